-- +goose Up
ALTER TABLE order_items ADD CONSTRAINT order_items_order_fk FOREIGN KEY (order_id) REFERENCES orders (id);

-- +goose Down
ALTER TABLE order_items DROP CONSTRAINT order_items_order_fk;
