export const q0 = 'SELECT raw FROM import_rows WHERE batch_id = $1 ORDER BY line_no';
