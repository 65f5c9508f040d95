ALTER TABLE "customers" ADD COLUMN "tier" text;
