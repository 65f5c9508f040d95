SET lock_timeout = '3s';
ALTER TABLE accounts ADD CONSTRAINT accounts_referred_by_fkey FOREIGN KEY (referred_by) REFERENCES accounts (id);
