ALTER TABLE order_archive ALTER COLUMN placed_at TYPE date;
