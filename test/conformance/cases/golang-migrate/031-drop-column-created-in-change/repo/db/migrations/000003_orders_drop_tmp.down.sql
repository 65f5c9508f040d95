ALTER TABLE orders ADD COLUMN tmp_flag boolean;
