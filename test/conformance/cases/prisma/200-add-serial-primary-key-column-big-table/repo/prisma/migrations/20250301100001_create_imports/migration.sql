CREATE TABLE import_rows (
  batch_id bigint NOT NULL,
  line_no integer NOT NULL,
  raw text NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX import_rows_batch_id_idx ON import_rows (batch_id);
