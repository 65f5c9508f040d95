-- +goose Up
CREATE TABLE plans (
  id integer PRIMARY KEY,
  name text,
  monthly_cents bigint
);

-- +goose Down
DROP TABLE plans;
