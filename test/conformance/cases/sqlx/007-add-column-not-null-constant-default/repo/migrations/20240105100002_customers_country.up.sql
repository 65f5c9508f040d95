SET lock_timeout = '3s';
ALTER TABLE customers ADD COLUMN country char(2) NOT NULL DEFAULT 'FR';
