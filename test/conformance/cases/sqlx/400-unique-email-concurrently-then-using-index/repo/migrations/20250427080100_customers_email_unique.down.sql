SET LOCAL lock_timeout = '5s';
ALTER TABLE customers DROP CONSTRAINT IF EXISTS customers_email_key;
CREATE UNIQUE INDEX customers_email_key ON customers (email);
