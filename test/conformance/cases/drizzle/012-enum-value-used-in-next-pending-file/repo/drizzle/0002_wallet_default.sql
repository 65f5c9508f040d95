UPDATE checkout_settings SET default_method = 'wallet' WHERE id = 1;
