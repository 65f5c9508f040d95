-- CreateTable
CREATE TABLE payments (
  id bigint PRIMARY KEY,
  invoice_id bigint NOT NULL REFERENCES invoices (id),
  amount_cents bigint NOT NULL,
  paid_at timestamptz NOT NULL DEFAULT now()
);

-- CreateIndex
CREATE INDEX payments_invoice_id_idx ON payments (invoice_id);
