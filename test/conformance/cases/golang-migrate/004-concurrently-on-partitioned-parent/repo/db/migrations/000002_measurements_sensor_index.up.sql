CREATE INDEX CONCURRENTLY measurements_sensor_idx ON measurements (sensor_id);
