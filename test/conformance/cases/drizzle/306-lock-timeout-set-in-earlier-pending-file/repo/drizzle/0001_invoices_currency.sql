SET lock_timeout = '3s';
--> statement-breakpoint
ALTER TABLE invoices ADD COLUMN currency char(3) NOT NULL DEFAULT 'EUR';
