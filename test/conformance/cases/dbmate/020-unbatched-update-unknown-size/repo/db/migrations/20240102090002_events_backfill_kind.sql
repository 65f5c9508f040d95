-- migrate:up
UPDATE events SET kind = lower(kind) WHERE kind <> lower(kind);

-- migrate:down
-- data-only backfill: nothing to undo
