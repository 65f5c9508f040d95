DROP TABLE order_notes;
DROP TABLE order_items;
DROP TABLE orders;
DROP TABLE warehouses;
DROP TABLE products;
DROP TABLE customers;
