-- migrate:up
ALTER DOMAIN positive_cents ADD CONSTRAINT positive_cents_check CHECK (VALUE > 0) NOT VALID;

-- migrate:down
ALTER DOMAIN positive_cents DROP CONSTRAINT positive_cents_check;
