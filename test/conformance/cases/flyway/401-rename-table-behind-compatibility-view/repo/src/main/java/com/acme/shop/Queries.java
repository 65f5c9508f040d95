package com.acme.shop;

final class Queries {
    static final String Q0 = "SELECT id, email, full_name FROM customers WHERE id = $1";
    static final String Q1 = "SELECT id, status, total_cents, placed_at FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 50";
    static final String Q2 = "INSERT INTO orders (id, customer_id, status, total_cents) VALUES ($1, $2, $3, $4)";
    static final String Q3 = "SELECT product_id, qty, unit_cents FROM order_items WHERE order_id = $1";
    static final String Q4 = "SELECT id, sku, title, price_cents FROM products WHERE sku = $1";
    static final String Q5 = "SELECT body, created_at FROM order_notes WHERE order_id = $1 ORDER BY created_at";
}
