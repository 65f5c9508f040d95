SET lock_timeout = '3s';
DROP INDEX orders_status_idx;
