-- +goose Up
CREATE TABLE sessions (token text PRIMARY KEY, user_id bigint NOT NULL);

-- +goose Down
DROP TABLE sessions;
