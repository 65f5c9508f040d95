CREATE TABLE credit_notes (
  id bigint PRIMARY KEY,
  invoice_id bigint NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
  amount_cents bigint NOT NULL,
  reason text
);
