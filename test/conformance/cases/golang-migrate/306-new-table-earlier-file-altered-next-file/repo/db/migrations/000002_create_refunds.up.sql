CREATE TABLE refunds (
  id bigint PRIMARY KEY,
  invoice_id bigint NOT NULL REFERENCES invoices (id),
  amount_cents bigint NOT NULL,
  reason text
);

CREATE INDEX refunds_invoice_id_idx ON refunds (invoice_id);
