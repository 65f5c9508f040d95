SET lock_timeout = '3s';

ALTER TABLE readings ADD COLUMN seq bigserial;
