SET lock_timeout = '5s';
ALTER TABLE orders ADD COLUMN gift_message text;
ALTER TABLE orders ADD COLUMN gift_wrap boolean NOT NULL DEFAULT false;
