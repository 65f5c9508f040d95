DROP INDEX invoices_status_idx;
