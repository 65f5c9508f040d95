SET lock_timeout = '3s';
--> statement-breakpoint
ALTER TABLE "devices" DROP COLUMN "firmware";
