SET lock_timeout = '3s';
ALTER TABLE accounts DROP COLUMN parent_account_id;
