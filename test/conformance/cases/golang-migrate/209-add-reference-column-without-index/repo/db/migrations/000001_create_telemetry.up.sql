CREATE TABLE devices (
  id bigint PRIMARY KEY,
  serial text NOT NULL,
  model text,
  firmware varchar(32),
  registered_at timestamp NOT NULL DEFAULT now()
);

CREATE INDEX devices_model_idx ON devices (model);

CREATE TABLE readings (
  id bigint PRIMARY KEY,
  device_id bigint NOT NULL,
  metric text NOT NULL,
  value double precision NOT NULL,
  payload json,
  recorded_at timestamp NOT NULL
);

CREATE INDEX readings_device_id_idx ON readings (device_id, recorded_at);

CREATE TABLE sites (
  id bigint PRIMARY KEY,
  name text NOT NULL
);
