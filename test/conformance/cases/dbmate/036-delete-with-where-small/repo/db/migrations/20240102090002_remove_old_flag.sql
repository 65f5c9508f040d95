-- migrate:up
DELETE FROM feature_flags WHERE name = 'legacy_cart';

-- migrate:down
INSERT INTO feature_flags (name, enabled) VALUES ('legacy_cart', false) ON CONFLICT DO NOTHING;
