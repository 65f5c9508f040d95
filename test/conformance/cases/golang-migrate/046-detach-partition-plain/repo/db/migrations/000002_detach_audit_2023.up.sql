SET lock_timeout = '3s';
ALTER TABLE audit_log DETACH PARTITION audit_log_2023;
