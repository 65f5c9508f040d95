-- migrate:up transaction:false
CREATE UNIQUE INDEX CONCURRENTLY users_email_lower_key ON users (lower(email));

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS users_email_lower_key;
