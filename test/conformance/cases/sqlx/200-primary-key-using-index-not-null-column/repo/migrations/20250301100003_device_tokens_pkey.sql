SET lock_timeout = '3s';

ALTER TABLE device_tokens ADD CONSTRAINT device_tokens_pkey PRIMARY KEY USING INDEX device_tokens_token_uidx;
