CREATE TABLE accounts (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  plan text NOT NULL DEFAULT 'free'
);
--> statement-breakpoint
CREATE TABLE events (
  id bigint PRIMARY KEY,
  account_id bigint NOT NULL,
  kind text NOT NULL,
  payload jsonb,
  occurred_at timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE INDEX events_account_id_idx ON events (account_id);
