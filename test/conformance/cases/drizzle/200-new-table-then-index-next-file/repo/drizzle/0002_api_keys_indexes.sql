CREATE INDEX "api_keys_account_id_idx" ON "api_keys" USING btree ("account_id");
--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_key_hash_idx" ON "api_keys" USING btree ("key_hash");
