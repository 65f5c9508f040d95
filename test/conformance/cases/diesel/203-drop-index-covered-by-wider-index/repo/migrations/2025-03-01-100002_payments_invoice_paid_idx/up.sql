CREATE INDEX payments_invoice_id_paid_at_idx ON payments (invoice_id, paid_at);
