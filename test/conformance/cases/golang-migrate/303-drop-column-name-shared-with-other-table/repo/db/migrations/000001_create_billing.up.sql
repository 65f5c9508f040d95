CREATE TABLE accounts (
  id bigint PRIMARY KEY,
  email text NOT NULL,
  display_name text,
  plan text NOT NULL DEFAULT 'free',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE invoices (
  id bigint PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES accounts (id),
  status text NOT NULL DEFAULT 'draft',
  amount_cents bigint NOT NULL DEFAULT 0,
  external_ref text,
  issued_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX invoices_account_id_idx ON invoices (account_id);

CREATE TABLE invoice_lines (
  id bigint PRIMARY KEY,
  invoice_id bigint NOT NULL REFERENCES invoices (id),
  sku text NOT NULL,
  qty integer NOT NULL DEFAULT 1,
  unit_cents bigint NOT NULL DEFAULT 0
);

CREATE INDEX invoice_lines_invoice_id_idx ON invoice_lines (invoice_id);

CREATE TABLE payments (
  id bigint PRIMARY KEY,
  invoice_id bigint NOT NULL REFERENCES invoices (id),
  external_ref text,
  amount_cents bigint NOT NULL
);

CREATE INDEX payments_invoice_id_idx ON payments (invoice_id);
