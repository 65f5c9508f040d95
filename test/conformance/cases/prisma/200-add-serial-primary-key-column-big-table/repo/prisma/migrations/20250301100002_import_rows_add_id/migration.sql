SET lock_timeout = '3s';

ALTER TABLE import_rows ADD COLUMN id serial PRIMARY KEY;
