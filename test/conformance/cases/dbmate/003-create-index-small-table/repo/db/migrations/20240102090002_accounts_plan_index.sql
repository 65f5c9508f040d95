-- migrate:up
CREATE INDEX accounts_plan_idx ON accounts (plan);

-- migrate:down
DROP INDEX accounts_plan_idx;
