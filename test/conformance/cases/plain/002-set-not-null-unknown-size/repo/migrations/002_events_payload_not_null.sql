SET lock_timeout = '3s';
ALTER TABLE events ALTER COLUMN payload SET NOT NULL;
