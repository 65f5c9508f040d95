-- no-transaction
DROP INDEX CONCURRENTLY IF EXISTS invoice_lines_invoice_id_idx;
