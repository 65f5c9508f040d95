CREATE TABLE "order_notes" (
  "id" bigint PRIMARY KEY,
  "order_id" bigint NOT NULL REFERENCES "orders" ("id") ON DELETE CASCADE,
  "body" text NOT NULL
);
CREATE INDEX "order_notes_order_id_idx" ON "order_notes" ("order_id");
