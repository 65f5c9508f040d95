ALTER TABLE "customers" ADD COLUMN "tier" text;
CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);
