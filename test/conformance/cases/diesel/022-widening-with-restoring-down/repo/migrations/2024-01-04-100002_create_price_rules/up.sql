CREATE TABLE price_rules (id bigint PRIMARY KEY, label varchar(40) NOT NULL);
