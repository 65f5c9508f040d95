CREATE TABLE device_heartbeats (
  device_id bigint NOT NULL,
  seen_at timestamptz NOT NULL,
  rssi smallint
) PARTITION BY RANGE (seen_at);

CREATE TABLE device_heartbeats_2025_03 PARTITION OF device_heartbeats FOR VALUES FROM ('2025-03-01') TO ('2025-04-01');

CREATE TABLE device_heartbeats_2025_04 PARTITION OF device_heartbeats FOR VALUES FROM ('2025-04-01') TO ('2025-05-01');

CREATE INDEX device_heartbeats_device_seen_idx ON device_heartbeats (device_id, seen_at);
