CREATE TABLE refunds (
  id bigint PRIMARY KEY,
  payment_id bigint NOT NULL REFERENCES payments (id),
  amount_cents integer NOT NULL
);
CREATE INDEX refunds_payment_id_idx ON refunds (payment_id);
ALTER TABLE refunds ADD COLUMN reason text;
