SET lock_timeout = '5s';
ALTER TABLE customers ADD COLUMN legacy_phone text;
