SET lock_timeout = '3s';
ALTER TABLE invoice_lines
  DROP CONSTRAINT invoice_lines_invoice_id_fkey,
  ADD CONSTRAINT invoice_lines_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices (id) ON DELETE CASCADE NOT VALID;
