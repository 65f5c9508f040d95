-- Deploy app:create_users to pg

BEGIN;

CREATE DOMAIN email_address AS text;

CREATE TABLE users (
  id bigint PRIMARY KEY,
  email email_address NOT NULL,
  display_name text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE invitations (
  id bigint PRIMARY KEY,
  invitee email_address NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now()
);

COMMIT;
