-- migrate:up
CREATE TABLE order_items (
  id bigint PRIMARY KEY,
  order_id bigint NOT NULL,
  sku text NOT NULL,
  qty integer NOT NULL
);

-- migrate:down
DROP TABLE order_items;
