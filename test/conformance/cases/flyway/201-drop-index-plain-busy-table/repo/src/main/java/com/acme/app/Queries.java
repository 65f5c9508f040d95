package com.acme.app;

public final class Queries {
    static final String Q0 = "SELECT id, number, amount_cents, status FROM invoices WHERE account_id = $1 ORDER BY issued_at DESC";
    static final String Q1 = "SELECT id, amount_cents, paid_at FROM payments WHERE invoice_id = $1";
}
