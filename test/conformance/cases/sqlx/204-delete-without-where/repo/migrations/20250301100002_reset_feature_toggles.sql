DELETE FROM feature_toggles;
