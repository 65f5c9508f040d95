CREATE TABLE toggle_audiences (
  id bigint PRIMARY KEY,
  toggle_id bigint NOT NULL REFERENCES feature_toggles (id),
  attributes json NOT NULL
);

CREATE INDEX toggle_audiences_toggle_id_idx ON toggle_audiences (toggle_id);
