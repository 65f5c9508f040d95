-- +goose Up
CREATE TABLE order_events (
  order_id bigint NOT NULL,
  kind text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL
) PARTITION BY RANGE (created_at);

CREATE TABLE order_events_2026_09 PARTITION OF order_events FOR VALUES FROM ('2026-09-01') TO ('2026-10-01');
CREATE TABLE order_events_2026_10 PARTITION OF order_events FOR VALUES FROM ('2026-10-01') TO ('2026-11-01');
CREATE TABLE order_events_2026_11 PARTITION OF order_events FOR VALUES FROM ('2026-11-01') TO ('2026-12-01');

-- +goose Down
DROP TABLE order_events;
