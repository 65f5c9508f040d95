DROP INDEX feature_toggles_name_idx;
