-- migrate:up
CREATE TABLE accounts (
  id bigint PRIMARY KEY,
  name text NOT NULL,
  plan text NOT NULL DEFAULT 'free'
);

CREATE TABLE events (
  id bigint PRIMARY KEY,
  account_id bigint NOT NULL,
  kind text NOT NULL,
  payload jsonb,
  occurred_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX events_account_id_idx ON events (account_id);

-- migrate:down
DROP TABLE events;
DROP TABLE accounts;
