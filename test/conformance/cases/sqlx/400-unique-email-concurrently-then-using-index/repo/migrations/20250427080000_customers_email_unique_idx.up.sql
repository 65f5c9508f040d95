-- no-transaction
CREATE UNIQUE INDEX CONCURRENTLY customers_email_key ON customers (email);
