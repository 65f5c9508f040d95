DROP INDEX customers_email_idx;
