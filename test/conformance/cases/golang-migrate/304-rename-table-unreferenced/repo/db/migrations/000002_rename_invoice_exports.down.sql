SET lock_timeout = '3s';
ALTER TABLE invoice_export_archive RENAME TO invoice_exports;
