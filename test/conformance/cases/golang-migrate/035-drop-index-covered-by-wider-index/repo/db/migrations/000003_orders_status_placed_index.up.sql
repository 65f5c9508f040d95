CREATE INDEX CONCURRENTLY orders_status_placed_idx ON orders (status, placed_at);
