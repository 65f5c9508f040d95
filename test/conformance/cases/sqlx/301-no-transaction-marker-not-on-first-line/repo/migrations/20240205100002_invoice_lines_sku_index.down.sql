-- no-transaction
DROP INDEX CONCURRENTLY IF EXISTS invoice_lines_sku_idx;
