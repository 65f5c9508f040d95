DROP TABLE price_rules;
