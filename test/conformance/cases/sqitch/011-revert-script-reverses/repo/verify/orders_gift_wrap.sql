-- Verify app:orders_gift_wrap on pg

BEGIN;

ROLLBACK;
