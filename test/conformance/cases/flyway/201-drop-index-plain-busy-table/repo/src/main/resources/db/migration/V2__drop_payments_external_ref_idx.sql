SET lock_timeout = '3s';

DROP INDEX payments_external_ref_idx;
