-- migrate:up transaction:false
CREATE UNIQUE INDEX CONCURRENTLY users_legacy_username_uidx ON users (legacy_username);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS users_legacy_username_uidx;
