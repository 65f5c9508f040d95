SET lock_timeout = '3s';
ALTER TABLE accounts ADD COLUMN parent_account_id bigint REFERENCES accounts (id);
