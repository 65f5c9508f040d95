SET lock_timeout = '3s';
ALTER TABLE accounts RENAME COLUMN display_name TO full_name;
