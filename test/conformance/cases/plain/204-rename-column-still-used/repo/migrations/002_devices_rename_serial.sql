SET lock_timeout = '3s';

ALTER TABLE devices RENAME COLUMN serial TO serial_number;
