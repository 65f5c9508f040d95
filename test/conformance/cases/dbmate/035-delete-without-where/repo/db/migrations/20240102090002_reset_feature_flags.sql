-- migrate:up
DELETE FROM feature_flags;

-- migrate:down
-- deleted flags cannot be restored
