CREATE UNIQUE INDEX CONCURRENTLY customers_email_name_key ON customers (email, full_name);
