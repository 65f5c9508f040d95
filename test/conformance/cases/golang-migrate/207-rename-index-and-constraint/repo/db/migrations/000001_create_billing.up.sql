CREATE TABLE accounts (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  plan text NOT NULL DEFAULT 'free',
  discount_pct integer,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE invoices (
  id bigint PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES accounts (id),
  number text NOT NULL,
  amount_cents integer NOT NULL,
  status text NOT NULL DEFAULT 'open',
  memo varchar(140),
  issued_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX invoices_account_id_idx ON invoices (account_id);

CREATE TABLE payments (
  id bigint PRIMARY KEY,
  invoice_id bigint NOT NULL,
  amount_cents integer NOT NULL,
  method text NOT NULL,
  external_ref text,
  paid_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX payments_invoice_id_idx ON payments (invoice_id);

CREATE INDEX payments_external_ref_idx ON payments (external_ref);
