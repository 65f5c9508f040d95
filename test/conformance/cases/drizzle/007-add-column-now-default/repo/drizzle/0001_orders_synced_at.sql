SET lock_timeout = '3s';
--> statement-breakpoint
ALTER TABLE orders ADD COLUMN synced_at timestamptz DEFAULT now();
