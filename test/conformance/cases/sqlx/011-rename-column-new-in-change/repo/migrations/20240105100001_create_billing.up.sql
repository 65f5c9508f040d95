CREATE TABLE invoices (
  id bigint PRIMARY KEY,
  account_ref text NOT NULL,
  amount_cents integer NOT NULL,
  currency char(3) NOT NULL DEFAULT 'EUR',
  issued_on timestamp NOT NULL,
  paid boolean NOT NULL DEFAULT false
);

CREATE TABLE payments (
  id bigint PRIMARY KEY,
  invoice_id bigint NOT NULL REFERENCES invoices (id),
  amount_cents integer NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX payments_invoice_id_idx ON payments (invoice_id);
