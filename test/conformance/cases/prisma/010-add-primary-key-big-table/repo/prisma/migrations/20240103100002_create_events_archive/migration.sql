CREATE TABLE events_archive (id bigint NOT NULL, account_id bigint NOT NULL, kind text NOT NULL);
