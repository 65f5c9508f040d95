DROP TABLE "order_notes" CASCADE;
