SET lock_timeout = '3s';
ALTER TABLE accounts RENAME COLUMN full_name TO display_name;
