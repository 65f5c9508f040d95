CLUSTER readings USING readings_device_id_idx;
