CREATE INDEX feature_toggles_name_idx ON feature_toggles (name);
