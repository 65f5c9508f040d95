CREATE INDEX CONCURRENTLY payments_method_paid_at_idx ON payments (method, paid_at);
