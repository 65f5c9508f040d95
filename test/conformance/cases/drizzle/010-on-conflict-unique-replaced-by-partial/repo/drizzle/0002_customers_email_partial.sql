COMMIT;
--> statement-breakpoint
CREATE UNIQUE INDEX CONCURRENTLY "customers_email_live_key" ON "customers" ("email") WHERE "full_name" IS NOT NULL;
--> statement-breakpoint
DROP INDEX CONCURRENTLY "customers_email_key";
