SET lock_timeout = '3s';

ALTER TABLE readings ADD COLUMN site_id bigint REFERENCES sites (id);
