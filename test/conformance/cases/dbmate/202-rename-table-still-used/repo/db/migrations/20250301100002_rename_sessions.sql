-- migrate:up
SET lock_timeout = '3s';

ALTER TABLE sessions RENAME TO user_sessions;

-- migrate:down
ALTER TABLE user_sessions RENAME TO sessions;
