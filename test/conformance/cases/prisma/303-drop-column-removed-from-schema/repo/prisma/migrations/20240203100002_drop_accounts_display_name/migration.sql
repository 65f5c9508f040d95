-- AlterTable
SET lock_timeout = '3s';
ALTER TABLE accounts DROP COLUMN display_name;
