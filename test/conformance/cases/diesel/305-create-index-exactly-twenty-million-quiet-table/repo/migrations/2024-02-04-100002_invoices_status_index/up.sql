CREATE INDEX invoices_status_idx ON invoices (status);
