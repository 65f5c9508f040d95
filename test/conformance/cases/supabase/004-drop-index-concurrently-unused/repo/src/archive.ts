export const q0 = 'SELECT id, total FROM order_archive WHERE placed_at >= $1';
