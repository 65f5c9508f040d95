SET lock_timeout = '3s';
ALTER TABLE payments DROP CONSTRAINT payments_invoice_id_fkey;
