CREATE TABLE account_groups (
  id bigint PRIMARY KEY,
  parent_id bigint REFERENCES account_groups (id),
  name text NOT NULL
);
