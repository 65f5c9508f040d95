SET lock_timeout = '3s';
CREATE INDEX CONCURRENTLY invoice_lines_sku_idx ON invoice_lines (sku);
