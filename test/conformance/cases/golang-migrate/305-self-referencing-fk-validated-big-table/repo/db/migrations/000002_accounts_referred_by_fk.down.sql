SET lock_timeout = '3s';
ALTER TABLE accounts DROP CONSTRAINT accounts_referred_by_fkey;
