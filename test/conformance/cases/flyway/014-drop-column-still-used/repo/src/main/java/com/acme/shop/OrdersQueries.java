package com.acme.shop;

public final class OrdersQueries {
    static final String Q0 = "SELECT id, status, total FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC";
    static final String Q1 = "SELECT id, note FROM orders WHERE customer_id = $1";
    static final String Q2 = "UPDATE orders SET note = $2 WHERE id = $1";
}
