-- +goose Up
DROP TABLE "AuditLog";

-- +goose Down
CREATE TABLE "AuditLog" (
  id bigint PRIMARY KEY,
  "accountId" bigint NOT NULL,
  action text NOT NULL,
  "createdAt" timestamptz NOT NULL DEFAULT now()
);
