CREATE TABLE customers (
  id bigint PRIMARY KEY,
  email text NOT NULL,
  full_name text,
  legacy_phone text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE products (
  id bigint PRIMARY KEY,
  sku varchar(32) NOT NULL,
  title text NOT NULL,
  weight_kg integer,
  price_cents bigint NOT NULL
);

CREATE TABLE warehouses (
  id integer PRIMARY KEY,
  code text NOT NULL,
  name text NOT NULL
);

CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  status text NOT NULL DEFAULT 'pending',
  channel text,
  total_cents bigint NOT NULL DEFAULT 0,
  placed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX orders_customer_id_idx ON orders (customer_id);

CREATE TABLE order_items (
  id bigint PRIMARY KEY,
  order_id bigint NOT NULL REFERENCES orders (id),
  product_id bigint NOT NULL REFERENCES products (id),
  qty integer NOT NULL DEFAULT 1,
  unit_cents bigint NOT NULL
);

CREATE INDEX order_items_order_id_idx ON order_items (order_id);

CREATE TABLE order_notes (
  id bigint PRIMARY KEY,
  order_id bigint NOT NULL REFERENCES orders (id),
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX order_notes_order_id_idx ON order_notes (order_id);
