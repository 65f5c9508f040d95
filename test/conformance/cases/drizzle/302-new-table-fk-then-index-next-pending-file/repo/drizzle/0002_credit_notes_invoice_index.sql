CREATE INDEX credit_notes_invoice_id_idx ON credit_notes (invoice_id);
