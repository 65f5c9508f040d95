SET lock_timeout = '3s';
ALTER TABLE invoices DROP COLUMN external_ref;
