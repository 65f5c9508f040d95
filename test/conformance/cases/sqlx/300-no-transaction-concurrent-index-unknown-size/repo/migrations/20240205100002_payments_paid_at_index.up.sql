-- no-transaction
CREATE INDEX CONCURRENTLY payments_paid_at_idx ON payments (paid_at);
