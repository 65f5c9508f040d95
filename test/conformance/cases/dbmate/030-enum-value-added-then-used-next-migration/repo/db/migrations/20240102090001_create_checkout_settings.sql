-- migrate:up
CREATE TYPE payment_method AS ENUM ('card', 'transfer');
CREATE TABLE checkout_settings (id integer PRIMARY KEY, default_method payment_method NOT NULL);
INSERT INTO checkout_settings VALUES (1, 'card');

-- migrate:down
DROP TABLE checkout_settings;
DROP TYPE payment_method;
