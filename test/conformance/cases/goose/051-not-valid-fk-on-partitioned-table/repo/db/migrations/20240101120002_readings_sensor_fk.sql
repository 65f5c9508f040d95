-- +goose Up
SET lock_timeout = '3s';
ALTER TABLE readings ADD CONSTRAINT readings_sensor_fk FOREIGN KEY (sensor_id) REFERENCES sensors (id) NOT VALID;

-- +goose Down
ALTER TABLE readings DROP CONSTRAINT readings_sensor_fk;
