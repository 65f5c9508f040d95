-- migrate:up
SET lock_timeout = '3s';

ALTER TABLE users ADD COLUMN locale text;

UPDATE users SET locale = 'en';

-- migrate:down
ALTER TABLE users DROP COLUMN locale;
