ALTER INDEX "readings_device_id_idx" RENAME TO "readings_device_recorded_at_idx";
