-- +goose Up
ALTER TYPE ticket_state ADD VALUE 'pending';

-- +goose Down
-- enum values cannot be removed
