-- Deploy shop:drop_order_notes to pg
-- Notes moved to the support tool (Zendesk) in Q1.

BEGIN;
DROP TABLE order_notes;
COMMIT;
