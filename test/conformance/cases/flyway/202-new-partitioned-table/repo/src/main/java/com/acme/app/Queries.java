package com.acme.app;

public final class Queries {
    static final String Q0 = "SELECT metric, value, recorded_at FROM readings WHERE device_id = $1 AND recorded_at >= $2 ORDER BY recorded_at";
    static final String Q1 = "INSERT INTO readings (id, device_id, metric, value, payload, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)";
    static final String Q2 = "SELECT id, serial, model, firmware FROM devices WHERE id = $1";
}
