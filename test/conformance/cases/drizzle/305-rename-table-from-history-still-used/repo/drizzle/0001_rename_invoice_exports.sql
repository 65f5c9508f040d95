SET lock_timeout = '3s';
--> statement-breakpoint
ALTER TABLE invoice_exports RENAME TO export_jobs;
