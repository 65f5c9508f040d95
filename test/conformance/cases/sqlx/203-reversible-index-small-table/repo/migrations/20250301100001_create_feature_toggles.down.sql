DROP TABLE feature_toggles;
