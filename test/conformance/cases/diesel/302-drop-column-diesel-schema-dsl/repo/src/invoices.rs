use diesel::prelude::*;

use crate::schema::invoices;

pub fn invoice_id_by_ref(conn: &mut PgConnection, r: &str) -> QueryResult<i64> {
    invoices::table
        .filter(invoices::external_ref.eq(r))
        .select(invoices::id)
        .first(conn)
}
