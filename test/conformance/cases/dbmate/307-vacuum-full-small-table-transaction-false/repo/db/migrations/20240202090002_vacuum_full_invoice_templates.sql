-- migrate:up transaction:false
VACUUM FULL invoice_templates;

-- migrate:down
-- VACUUM FULL has no inverse: nothing to undo.
