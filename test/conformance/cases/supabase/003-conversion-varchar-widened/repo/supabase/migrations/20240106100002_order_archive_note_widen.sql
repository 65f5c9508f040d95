SET TIME ZONE 'UTC';
ALTER TABLE order_archive ALTER COLUMN note TYPE varchar(400);
