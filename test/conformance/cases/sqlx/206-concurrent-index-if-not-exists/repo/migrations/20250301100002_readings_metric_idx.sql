-- no-transaction
CREATE INDEX CONCURRENTLY IF NOT EXISTS readings_metric_recorded_at_idx ON readings (metric, recorded_at);
