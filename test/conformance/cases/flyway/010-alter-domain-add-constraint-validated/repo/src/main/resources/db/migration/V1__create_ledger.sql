CREATE DOMAIN positive_cents AS bigint;
CREATE TABLE ledger_entries (id bigint PRIMARY KEY, amount positive_cents NOT NULL, memo text);
CREATE TABLE refunds (id bigint PRIMARY KEY, amount positive_cents NOT NULL);
