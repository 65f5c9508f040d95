SET lock_timeout = '3s';

ALTER TABLE readings ADD COLUMN is_estimate boolean NOT NULL DEFAULT false;
