CREATE TABLE "wishlists" ("id" bigint PRIMARY KEY, "name" text NOT NULL);
--> statement-breakpoint
CREATE TABLE "wishlist_items" ("id" bigint PRIMARY KEY, "wishlist_id" bigint NOT NULL, "sku" text NOT NULL);
--> statement-breakpoint
ALTER TABLE "wishlist_items" ADD CONSTRAINT "wishlist_items_wishlist_fk" FOREIGN KEY ("wishlist_id") REFERENCES "wishlists" ("id");
--> statement-breakpoint
CREATE INDEX "wishlist_items_wishlist_id_idx" ON "wishlist_items" ("wishlist_id");
