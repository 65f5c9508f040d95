-- +goose Up
UPDATE orders SET status = 'open' WHERE status = 'new';

-- +goose Down
UPDATE orders SET status = 'new' WHERE status = 'open';
