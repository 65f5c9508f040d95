UPDATE checkout_settings SET default_method = 'card' WHERE id = 1;
