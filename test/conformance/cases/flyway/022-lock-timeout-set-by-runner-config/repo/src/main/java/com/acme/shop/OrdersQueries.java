package com.acme.shop;

public final class OrdersQueries {
    static final String Q0 = "SELECT id, status, total FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC";
    static final String Q1 = "INSERT INTO orders (id, customer_id, status, total, quantity, note) VALUES ($1, $2, $3, $4, $5, $6)";
    static final String Q2 = "DELETE FROM customers WHERE id = $1";
}
