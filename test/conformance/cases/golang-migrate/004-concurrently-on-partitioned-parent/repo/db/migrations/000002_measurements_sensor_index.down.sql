DROP INDEX IF EXISTS measurements_sensor_idx;
