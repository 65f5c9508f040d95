-- +goose Up
ALTER TYPE shipment_state RENAME VALUE 'shipped' TO 'in_transit';

-- +goose Down
ALTER TYPE shipment_state RENAME VALUE 'in_transit' TO 'shipped';
