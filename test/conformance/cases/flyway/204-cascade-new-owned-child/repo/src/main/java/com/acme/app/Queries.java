package com.acme.app;

public final class Queries {
    static final String Q0 = "SELECT id, number, amount_cents, status FROM invoices WHERE account_id = $1 ORDER BY issued_at DESC";
    static final String Q1 = "INSERT INTO payments (id, invoice_id, amount_cents, method, external_ref) VALUES ($1, $2, $3, $4, $5)";
    static final String Q2 = "SELECT id, amount_cents, paid_at FROM payments WHERE invoice_id = $1";
}
