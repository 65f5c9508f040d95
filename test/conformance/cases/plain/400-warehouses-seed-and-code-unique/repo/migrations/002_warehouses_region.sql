ALTER TABLE warehouses ADD COLUMN region text;
UPDATE warehouses SET region = 'eu-west' WHERE code LIKE 'DUB%' OR code LIKE 'AMS%';
UPDATE warehouses SET region = 'us-east' WHERE region IS NULL;
ALTER TABLE warehouses ALTER COLUMN region SET NOT NULL;
ALTER TABLE warehouses ADD CONSTRAINT warehouses_code_key UNIQUE (code);
