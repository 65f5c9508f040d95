-- migrate:up
CREATE TYPE ticket_priority AS ENUM ('low', 'normal', 'high', 'urgent');

CREATE TABLE support_tickets (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES accounts (id),
  subject text NOT NULL,
  priority ticket_priority NOT NULL DEFAULT 'normal',
  opened_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX support_tickets_account_id_idx ON support_tickets (account_id);

-- migrate:down
DROP TABLE support_tickets;
DROP TYPE ticket_priority;
