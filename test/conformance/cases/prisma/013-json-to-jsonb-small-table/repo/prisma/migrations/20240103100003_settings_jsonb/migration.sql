ALTER TABLE "settings" ALTER COLUMN "value" TYPE jsonb USING "value"::jsonb;
