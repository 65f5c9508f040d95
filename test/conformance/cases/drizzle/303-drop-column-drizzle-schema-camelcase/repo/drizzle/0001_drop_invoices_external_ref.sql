SET lock_timeout = '3s';
--> statement-breakpoint
ALTER TABLE invoices DROP COLUMN external_ref;
