-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY events_kind_idx ON events (kind);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS events_kind_idx;
