-- no-transaction
DROP INDEX CONCURRENTLY IF EXISTS customers_email_key;
