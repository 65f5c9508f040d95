-- Verify app:orders_backfill_status on pg

BEGIN;

ROLLBACK;
