SET lock_timeout = '3s';
ALTER TABLE invoices ADD CONSTRAINT invoices_amount_nonnegative CHECK (amount_cents >= 0) NOT VALID;
ALTER TABLE invoices VALIDATE CONSTRAINT invoices_amount_nonnegative;
