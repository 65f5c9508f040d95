-- migrate:up
UPDATE readings SET metric = lower(metric);

-- migrate:down
-- data fix: the original casing is not kept, nothing to undo
