-- +goose Up
DROP TABLE legacy_coupons;

-- +goose Down
CREATE TABLE legacy_coupons (code text PRIMARY KEY, percent integer NOT NULL);
