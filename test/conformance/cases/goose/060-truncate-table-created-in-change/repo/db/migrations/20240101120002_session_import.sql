-- +goose Up
CREATE TABLE session_import (token text, user_id bigint);
TRUNCATE session_import;

-- +goose Down
DROP TABLE session_import;
