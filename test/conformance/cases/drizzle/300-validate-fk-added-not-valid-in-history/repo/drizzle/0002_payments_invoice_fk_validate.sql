ALTER TABLE payments VALIDATE CONSTRAINT payments_invoice_id_fkey;
