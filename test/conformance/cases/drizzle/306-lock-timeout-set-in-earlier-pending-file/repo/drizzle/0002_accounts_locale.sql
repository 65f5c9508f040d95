ALTER TABLE accounts ADD COLUMN locale text;
