CREATE INDEX CONCURRENTLY payments_invoice_id_idx ON payments (invoice_id);
