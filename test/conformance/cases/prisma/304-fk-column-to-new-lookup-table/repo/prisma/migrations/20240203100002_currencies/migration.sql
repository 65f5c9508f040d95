-- CreateTable
CREATE TABLE currencies (
  code text PRIMARY KEY,
  name text NOT NULL
);

-- AlterTable
SET lock_timeout = '3s';
ALTER TABLE invoices ADD COLUMN currency_code text REFERENCES currencies (code);
