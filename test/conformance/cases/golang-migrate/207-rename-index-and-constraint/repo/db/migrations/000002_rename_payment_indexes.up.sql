ALTER INDEX payments_invoice_id_idx RENAME TO payments_invoice_idx;
