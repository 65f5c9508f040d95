ALTER TABLE payments DROP COLUMN method;
