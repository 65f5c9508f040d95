-- no-transaction
CREATE UNIQUE INDEX CONCURRENTLY device_tokens_token_uidx ON device_tokens (token);
