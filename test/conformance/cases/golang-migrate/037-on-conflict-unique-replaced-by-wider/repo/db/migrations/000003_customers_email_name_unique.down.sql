DROP INDEX CONCURRENTLY IF EXISTS customers_email_name_key;
