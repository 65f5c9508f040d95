package com.acme.shop;

public final class CheckoutQueries {
    static final String Q0 = "SELECT percent FROM legacy_coupons WHERE code = $1";
}
