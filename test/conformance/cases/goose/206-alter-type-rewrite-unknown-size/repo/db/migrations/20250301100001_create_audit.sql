-- +goose Up
CREATE TABLE audit_log (
  id bigint PRIMARY KEY,
  actor_id integer NOT NULL,
  action text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX audit_log_actor_id_idx ON audit_log (actor_id);

-- +goose Down
DROP TABLE audit_log;
