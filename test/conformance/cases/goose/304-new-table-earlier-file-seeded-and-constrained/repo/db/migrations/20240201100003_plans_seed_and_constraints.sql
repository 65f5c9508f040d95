-- +goose Up
INSERT INTO plans (id, name, monthly_cents) VALUES (1, 'free', 0), (2, 'starter', 900), (3, 'business', 4900);
ALTER TABLE plans ADD CONSTRAINT plans_name_key UNIQUE (name);
ALTER TABLE plans ALTER COLUMN name SET NOT NULL;
ALTER TABLE plans ALTER COLUMN monthly_cents SET NOT NULL;

-- +goose Down
ALTER TABLE plans ALTER COLUMN monthly_cents DROP NOT NULL;
ALTER TABLE plans ALTER COLUMN name DROP NOT NULL;
ALTER TABLE plans DROP CONSTRAINT plans_name_key;
DELETE FROM plans WHERE id IN (1, 2, 3);
