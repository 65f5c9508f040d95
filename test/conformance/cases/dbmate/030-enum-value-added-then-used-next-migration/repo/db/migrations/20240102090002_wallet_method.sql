-- migrate:up
ALTER TYPE payment_method ADD VALUE 'wallet';

-- migrate:down
-- enum values cannot be removed; wallet stays unused after rollback
