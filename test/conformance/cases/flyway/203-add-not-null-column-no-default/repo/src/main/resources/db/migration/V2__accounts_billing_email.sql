ALTER TABLE accounts ADD COLUMN billing_email text NOT NULL;
