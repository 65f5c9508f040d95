import { sql } from './db';

export const q0 = sql`SELECT id, email, full_name FROM customers WHERE id = $1`;
export const q1 = sql`SELECT id, status, total_cents, placed_at FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 50`;
export const q2 = sql`INSERT INTO orders (id, customer_id, status, total_cents) VALUES ($1, $2, $3, $4)`;
export const q3 = sql`SELECT product_id, qty, unit_cents FROM order_items WHERE order_id = $1`;
export const q4 = sql`SELECT id, sku, title, price_cents FROM products WHERE sku = $1`;
export const q5 = sql`SELECT body, created_at FROM order_notes WHERE order_id = $1 ORDER BY created_at`;
