ALTER TABLE orders DROP COLUMN tmp_flag;
