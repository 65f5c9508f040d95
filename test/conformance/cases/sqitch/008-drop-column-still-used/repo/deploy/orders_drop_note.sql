-- Deploy app:orders_drop_note to pg

BEGIN;

ALTER TABLE orders DROP COLUMN note;

COMMIT;
