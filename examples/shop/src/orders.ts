export const openOrders = 'SELECT id FROM orders WHERE status = $1 ORDER BY created_at';
