-- +goose Up
UPDATE checkout_settings SET default_method = 'wallet' WHERE id = 1;

-- +goose Down
UPDATE checkout_settings SET default_method = 'card' WHERE id = 1;
