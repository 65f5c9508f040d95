ALTER TABLE order_archive ALTER COLUMN note TYPE varchar(50);
