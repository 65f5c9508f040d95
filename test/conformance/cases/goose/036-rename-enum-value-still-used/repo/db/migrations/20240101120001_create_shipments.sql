-- +goose Up
CREATE TYPE shipment_state AS ENUM ('pending', 'shipped', 'delivered');
CREATE TABLE shipments (id bigint PRIMARY KEY, state shipment_state NOT NULL DEFAULT 'pending');

-- +goose Down
DROP TABLE shipments;
DROP TYPE shipment_state;
