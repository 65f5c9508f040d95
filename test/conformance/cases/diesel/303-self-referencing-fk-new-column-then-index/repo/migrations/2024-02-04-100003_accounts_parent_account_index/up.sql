CREATE INDEX CONCURRENTLY accounts_parent_account_id_idx ON accounts (parent_account_id);
