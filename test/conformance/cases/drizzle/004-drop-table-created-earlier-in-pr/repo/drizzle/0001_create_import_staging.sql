CREATE TABLE "import_staging" ("id" bigint PRIMARY KEY, "raw" text);
