ALTER TABLE products ADD COLUMN length_mm integer;
ALTER TABLE products ADD COLUMN width_mm integer;
ALTER TABLE products ADD COLUMN height_mm integer;
UPDATE products SET length_mm = 0, width_mm = 0, height_mm = 0;
ALTER TABLE products ALTER COLUMN length_mm SET NOT NULL;
