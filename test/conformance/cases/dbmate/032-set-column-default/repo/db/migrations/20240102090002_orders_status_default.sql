-- migrate:up
SET lock_timeout = '3s';
ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'pending';

-- migrate:down
ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new';
