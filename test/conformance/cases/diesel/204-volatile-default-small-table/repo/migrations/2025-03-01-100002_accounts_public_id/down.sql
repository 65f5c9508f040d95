ALTER TABLE accounts DROP COLUMN public_id;
