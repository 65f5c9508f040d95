-- migrate:up
UPDATE checkout_settings SET default_method = 'wallet' WHERE id = 1;

-- migrate:down
UPDATE checkout_settings SET default_method = 'card' WHERE id = 1;
