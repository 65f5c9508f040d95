ALTER TABLE refunds RENAME COLUMN reason TO note;
ALTER TABLE refunds ADD CONSTRAINT refunds_amount_positive CHECK (amount_cents > 0);
ALTER TABLE refunds ADD COLUMN refunded_at timestamptz NOT NULL DEFAULT clock_timestamp();
CREATE INDEX refunds_note_idx ON refunds (note);
