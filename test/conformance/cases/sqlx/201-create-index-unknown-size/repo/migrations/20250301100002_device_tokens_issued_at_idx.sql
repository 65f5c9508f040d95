CREATE INDEX device_tokens_issued_at_idx ON device_tokens (issued_at);
