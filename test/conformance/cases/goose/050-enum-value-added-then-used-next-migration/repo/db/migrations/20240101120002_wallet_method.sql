-- +goose Up
ALTER TYPE payment_method ADD VALUE 'wallet';

-- +goose Down
-- enum values cannot be removed; wallet stays unused after rollback
