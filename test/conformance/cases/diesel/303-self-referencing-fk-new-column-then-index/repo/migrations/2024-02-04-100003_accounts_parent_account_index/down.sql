DROP INDEX CONCURRENTLY IF EXISTS accounts_parent_account_id_idx;
