SET lock_timeout = '3s';
--> statement-breakpoint
ALTER TABLE "readings" ALTER COLUMN "payload" SET DATA TYPE jsonb USING "payload"::jsonb;
