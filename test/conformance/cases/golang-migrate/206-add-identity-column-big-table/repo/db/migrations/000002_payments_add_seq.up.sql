SET lock_timeout = '3s';

ALTER TABLE payments ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;
