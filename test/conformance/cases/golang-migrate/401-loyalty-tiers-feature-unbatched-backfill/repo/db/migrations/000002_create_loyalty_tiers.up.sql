SET LOCAL lock_timeout = '5s';

CREATE TABLE loyalty_tiers (
  id integer PRIMARY KEY,
  name text NOT NULL UNIQUE
);

INSERT INTO loyalty_tiers (id, name) VALUES (1, 'standard'), (2, 'silver'), (3, 'gold');

ALTER TABLE orders ADD COLUMN loyalty_tier_id integer;
