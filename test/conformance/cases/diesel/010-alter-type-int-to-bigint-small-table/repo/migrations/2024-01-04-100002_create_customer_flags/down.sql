DROP TABLE customer_flags;
