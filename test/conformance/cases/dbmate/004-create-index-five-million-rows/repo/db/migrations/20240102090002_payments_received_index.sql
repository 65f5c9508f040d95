-- migrate:up
CREATE INDEX payments_received_at_idx ON payments (received_at);

-- migrate:down
DROP INDEX payments_received_at_idx;
