SET lock_timeout = '3s';
ALTER TABLE orders ADD COLUMN synced_at timestamptz DEFAULT now();
