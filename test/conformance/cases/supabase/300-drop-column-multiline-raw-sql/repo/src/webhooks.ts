import { Pool } from 'pg';

const pool = new Pool();

export async function markPaid(reference: string) {
  const { rows } = await pool.query(
    `
      SELECT id, status
        FROM invoices
       WHERE external_ref = $1
    `,
    [reference],
  );
  if (rows[0]) await pool.query(`UPDATE invoices SET status = 'paid' WHERE id = $1`, [rows[0].id]);
}
