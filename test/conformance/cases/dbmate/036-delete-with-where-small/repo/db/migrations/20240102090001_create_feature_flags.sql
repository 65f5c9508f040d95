-- migrate:up
CREATE TABLE feature_flags (name text PRIMARY KEY, enabled boolean NOT NULL DEFAULT false);

-- migrate:down
DROP TABLE feature_flags;
