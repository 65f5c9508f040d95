-- CreateIndex
CREATE INDEX CONCURRENTLY invoices_status_idx ON invoices (status);
