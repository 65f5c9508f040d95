CREATE TABLE customer_flags (id bigint PRIMARY KEY, score integer NOT NULL);
