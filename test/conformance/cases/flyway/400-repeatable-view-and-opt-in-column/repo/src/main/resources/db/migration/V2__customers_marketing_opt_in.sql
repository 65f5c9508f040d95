SET lock_timeout = '5s';
ALTER TABLE customers ADD COLUMN marketing_opt_in boolean NOT NULL DEFAULT false;
