-- migrate:up
ANALYZE orders;

-- migrate:down
