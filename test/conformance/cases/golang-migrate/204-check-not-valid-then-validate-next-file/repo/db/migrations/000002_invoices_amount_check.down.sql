ALTER TABLE invoices DROP CONSTRAINT invoices_amount_nonnegative;
