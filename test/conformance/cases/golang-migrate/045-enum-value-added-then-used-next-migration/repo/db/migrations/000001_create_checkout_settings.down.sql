DROP TABLE checkout_settings;
DROP TYPE payment_method;
