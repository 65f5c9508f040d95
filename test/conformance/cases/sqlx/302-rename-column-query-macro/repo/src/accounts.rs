use sqlx::PgPool;

pub async fn account_label(pool: &PgPool, id: i64) -> sqlx::Result<String> {
    let row = sqlx::query!(
        "SELECT id, email, display_name FROM accounts WHERE id = $1",
        id
    )
    .fetch_one(pool)
    .await?;
    Ok(row.display_name.unwrap_or(row.email))
}
