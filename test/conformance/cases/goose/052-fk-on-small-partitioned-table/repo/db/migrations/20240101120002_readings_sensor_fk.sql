-- +goose Up
ALTER TABLE readings ADD CONSTRAINT readings_sensor_fk FOREIGN KEY (sensor_id) REFERENCES sensors (id);

-- +goose Down
ALTER TABLE readings DROP CONSTRAINT readings_sensor_fk;
