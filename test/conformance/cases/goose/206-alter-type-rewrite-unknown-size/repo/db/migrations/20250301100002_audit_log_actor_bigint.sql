-- +goose Up
SET lock_timeout = '3s';

ALTER TABLE audit_log ALTER COLUMN actor_id TYPE bigint;

-- +goose Down
-- +goose StatementBegin
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM audit_log WHERE actor_id > 2147483647) THEN
    RAISE EXCEPTION 'audit_log.actor_id holds values beyond integer range: roll back by hand';
  END IF;
END
$$;
-- +goose StatementEnd
ALTER TABLE audit_log ALTER COLUMN actor_id TYPE integer;
