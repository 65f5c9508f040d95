DROP INDEX CONCURRENTLY customers_email_key;
