package com.acme.billing;

public final class Queries {
  public static final String Q0 = "SELECT id, status, amount_cents, issued_at FROM invoices WHERE account_id = $1 ORDER BY issued_at DESC";
  public static final String Q1 = "INSERT INTO invoices (id, account_id, status, amount_cents) VALUES ($1, $2, $3, $4)";
  public static final String Q2 = "SELECT sku, qty, unit_cents FROM invoice_lines WHERE invoice_id = $1";
  public static final String Q3 = "SELECT id, email, plan FROM accounts WHERE id = $1";
}
