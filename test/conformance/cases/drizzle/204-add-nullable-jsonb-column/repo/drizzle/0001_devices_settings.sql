SET lock_timeout = '3s';
--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "settings" jsonb;
