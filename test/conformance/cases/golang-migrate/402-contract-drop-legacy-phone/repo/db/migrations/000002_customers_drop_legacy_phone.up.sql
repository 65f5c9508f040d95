-- Contract: the SMS service moved to the contacts API in v5.12; nothing reads legacy_phone.
SET lock_timeout = '5s';
ALTER TABLE customers DROP COLUMN legacy_phone;
