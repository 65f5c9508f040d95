-- Revert app:orders_drop_note from pg

BEGIN;

ALTER TABLE orders ADD COLUMN note varchar(200);

COMMIT;
