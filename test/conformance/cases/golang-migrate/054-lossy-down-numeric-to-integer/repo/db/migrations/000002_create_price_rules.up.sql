CREATE TABLE price_rules (id bigint PRIMARY KEY, discount integer NOT NULL);
