CREATE TABLE device_tokens (
  token text NOT NULL,
  device_id bigint NOT NULL,
  issued_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX device_tokens_device_id_idx ON device_tokens (device_id);
