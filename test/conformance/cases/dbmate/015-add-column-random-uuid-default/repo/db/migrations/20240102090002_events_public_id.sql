-- migrate:up
ALTER TABLE events ADD COLUMN public_id uuid DEFAULT gen_random_uuid();

-- migrate:down
ALTER TABLE events DROP COLUMN public_id;
