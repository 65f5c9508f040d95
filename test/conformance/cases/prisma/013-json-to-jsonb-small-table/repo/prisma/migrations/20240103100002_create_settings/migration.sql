CREATE TABLE "settings" ("key" text PRIMARY KEY, "value" json NOT NULL);
