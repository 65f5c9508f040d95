ALTER TABLE readings DROP COLUMN site_id;
