-- migrate:up transaction:false
DROP INDEX CONCURRENTLY IF EXISTS users_email_key;

-- migrate:down transaction:false
CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
