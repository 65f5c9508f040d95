-- migrate:up transaction:false
DROP INDEX CONCURRENTLY events_kind_idx;

-- migrate:down transaction:false
CREATE INDEX CONCURRENTLY events_kind_idx ON events (kind);
