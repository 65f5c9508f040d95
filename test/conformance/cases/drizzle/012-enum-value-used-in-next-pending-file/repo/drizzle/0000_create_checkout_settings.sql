CREATE TYPE payment_method AS ENUM ('card', 'transfer');
--> statement-breakpoint
CREATE TABLE checkout_settings (id integer PRIMARY KEY, default_method payment_method NOT NULL);
--> statement-breakpoint
INSERT INTO checkout_settings VALUES (1, 'card');
