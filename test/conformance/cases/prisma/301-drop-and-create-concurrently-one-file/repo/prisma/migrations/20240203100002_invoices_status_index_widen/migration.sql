DROP INDEX CONCURRENTLY invoices_status_idx;
CREATE INDEX CONCURRENTLY invoices_status_issued_at_idx ON invoices (status, issued_at);
