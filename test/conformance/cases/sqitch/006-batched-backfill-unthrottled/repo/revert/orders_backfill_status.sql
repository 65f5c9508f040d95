-- Revert app:orders_backfill_status from pg

-- data-only backfill: nothing to revert
