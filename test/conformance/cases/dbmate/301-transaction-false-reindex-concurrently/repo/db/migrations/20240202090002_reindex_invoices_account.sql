-- migrate:up transaction:false
REINDEX INDEX CONCURRENTLY invoices_account_id_idx;

-- migrate:down
-- REINDEX has no inverse: nothing to undo.
