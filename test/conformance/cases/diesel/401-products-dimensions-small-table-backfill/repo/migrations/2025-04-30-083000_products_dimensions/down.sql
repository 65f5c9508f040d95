ALTER TABLE products DROP COLUMN height_mm;
ALTER TABLE products DROP COLUMN width_mm;
ALTER TABLE products DROP COLUMN length_mm;
