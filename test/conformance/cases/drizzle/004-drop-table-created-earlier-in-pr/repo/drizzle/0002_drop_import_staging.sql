DROP TABLE "import_staging";
