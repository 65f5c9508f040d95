-- +goose Up
CREATE TABLE legacy_coupons (code text PRIMARY KEY, percent integer NOT NULL);

-- +goose Down
DROP TABLE legacy_coupons;
