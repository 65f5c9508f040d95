CREATE INDEX CONCURRENTLY invoices_issued_on_idx ON invoices (issued_on);
