-- Step 1 of the customers → accounts rename: the old name stays readable and writable
-- as an auto-updatable view until the application switches over.
SET lock_timeout = '5s';
ALTER TABLE customers RENAME TO accounts;
CREATE VIEW customers AS
  SELECT id, email, full_name, legacy_phone, created_at FROM accounts;
