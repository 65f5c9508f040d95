DROP TABLE legacy_records;
DROP TABLE order_items;
DROP TABLE orders;
DROP TABLE tenants;
