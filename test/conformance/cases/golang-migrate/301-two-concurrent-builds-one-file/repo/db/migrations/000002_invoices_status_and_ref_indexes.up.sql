CREATE INDEX CONCURRENTLY invoices_status_idx ON invoices (status);
CREATE INDEX CONCURRENTLY invoices_external_ref_idx ON invoices (external_ref);
