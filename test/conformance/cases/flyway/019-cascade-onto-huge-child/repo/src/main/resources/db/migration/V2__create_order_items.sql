CREATE TABLE order_items (
  id bigint PRIMARY KEY,
  order_id bigint NOT NULL,
  sku text NOT NULL,
  qty integer NOT NULL
);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);
