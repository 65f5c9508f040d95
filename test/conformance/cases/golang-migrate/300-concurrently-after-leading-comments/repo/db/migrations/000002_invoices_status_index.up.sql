-- Speeds up the dunning job's status filter.
-- golang-migrate sends this file as one query string: keep it to one statement.
CREATE INDEX CONCURRENTLY invoices_status_idx ON invoices (status);
