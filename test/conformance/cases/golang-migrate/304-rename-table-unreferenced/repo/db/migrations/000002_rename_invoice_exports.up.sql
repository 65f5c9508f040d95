SET lock_timeout = '3s';
ALTER TABLE invoice_exports RENAME TO invoice_export_archive;
