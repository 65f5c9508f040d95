SET lock_timeout = '3s';

ALTER TABLE devices ALTER COLUMN firmware TYPE varchar(64);
