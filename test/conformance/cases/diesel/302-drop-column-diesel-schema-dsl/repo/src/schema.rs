diesel::table! {
    invoices (id) {
        id -> Int8,
        account_id -> Int8,
        status -> Text,
        amount_cents -> Int8,
        external_ref -> Nullable<Text>,
        issued_at -> Timestamptz,
    }
}
