-- +goose Up
CREATE DOMAIN positive_cents AS bigint CHECK (VALUE > 0);

CREATE TABLE refunds (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  payment_id bigint NOT NULL,
  amount positive_cents NOT NULL,
  reason text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX refunds_payment_id_idx ON refunds (payment_id);

-- +goose Down
DROP TABLE refunds;
DROP DOMAIN positive_cents;
