DROP INDEX refunds_note_idx;
ALTER TABLE refunds DROP COLUMN refunded_at;
ALTER TABLE refunds DROP CONSTRAINT refunds_amount_positive;
ALTER TABLE refunds RENAME COLUMN note TO reason;
