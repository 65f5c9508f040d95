DROP INDEX CONCURRENTLY IF EXISTS payments_invoice_id_idx;
