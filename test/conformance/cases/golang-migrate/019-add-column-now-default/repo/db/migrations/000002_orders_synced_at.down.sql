ALTER TABLE orders DROP COLUMN synced_at;
