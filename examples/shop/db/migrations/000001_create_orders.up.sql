CREATE TABLE tenants (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  tenant_id bigint NOT NULL REFERENCES tenants (id),
  status text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_orders_tenant_id ON orders (tenant_id);
CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint NOT NULL, sku text NOT NULL);
CREATE TABLE legacy_records (id bigint PRIMARY KEY, payload jsonb, tenant_id bigint);
