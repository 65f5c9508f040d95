-- migrate:up
CREATE TABLE invoice_event_notes (
  id bigint PRIMARY KEY,
  event_id bigint NOT NULL,
  event_created_at timestamptz NOT NULL,
  body text NOT NULL,
  FOREIGN KEY (event_id, event_created_at) REFERENCES invoice_events (id, created_at)
);

CREATE INDEX invoice_event_notes_event_idx ON invoice_event_notes (event_id, event_created_at);

-- migrate:down
DROP TABLE invoice_event_notes;
