CREATE TABLE firmware_releases (
  id serial PRIMARY KEY,
  version varchar(100) NOT NULL UNIQUE,
  notes text,
  released_at timestamp NOT NULL
);
