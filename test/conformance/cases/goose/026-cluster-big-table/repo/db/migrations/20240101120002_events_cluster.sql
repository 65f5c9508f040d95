-- +goose Up
CLUSTER events USING events_account_id_idx;

-- +goose Down
-- CLUSTER has no inverse
