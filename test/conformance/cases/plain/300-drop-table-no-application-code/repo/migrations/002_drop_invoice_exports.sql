SET lock_timeout = '3s';
DROP TABLE invoice_exports;
