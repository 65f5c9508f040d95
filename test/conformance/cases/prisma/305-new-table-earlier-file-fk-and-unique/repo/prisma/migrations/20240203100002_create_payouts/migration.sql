-- CreateTable
CREATE TABLE payouts (
  id bigint PRIMARY KEY,
  account_id bigint NOT NULL,
  amount_cents bigint NOT NULL,
  external_id text NOT NULL
);
