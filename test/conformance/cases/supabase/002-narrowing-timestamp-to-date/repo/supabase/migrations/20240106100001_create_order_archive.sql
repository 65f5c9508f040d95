CREATE TABLE order_archive (id bigint PRIMARY KEY, total numeric(12,2) NOT NULL, note varchar(200), placed_at timestamp NOT NULL);
