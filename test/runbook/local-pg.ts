import { describe } from '@jest/globals';
import { main } from '../../src/cli/main.js';
import pg from 'pg';
import { PG_URL } from '../helpers.js';

/**
 * Whether the local PostgreSQL answers. The production-tool tests need a real server (locks, waits
 * and plans are its behaviour, not ours): without one they are skipped, and say so.
 */
async function reachable(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.end();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

const unreachable = await reachable();
if (unreachable) console.warn(`SKIPPED: no PostgreSQL at ${PG_URL} (${unreachable}); set MIGRATION_REVIEW_PG_URL`);

/** `describe` when the local PostgreSQL answers, else `describe.skip` (with the warning above). */
export const describeWithPostgres = unreachable ? describe.skip : describe;

/** Runs `sql` on `url` and returns the rows. */
export async function queryOn<R extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Whether the HypoPG extension is installed on the server (its package; CI may not have it). */
export async function hypopgAvailable(): Promise<boolean> {
  if (unreachable) return false;
  const rows = await queryOn(PG_URL, "SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'");
  return rows.length > 0;
}

/** The command line in this process (no build needed): its exit code and what it printed on stdout. */
export async function cli(argv: string[]): Promise<{ code: number; stdout: string }> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => chunks.push(String(chunk)) > 0) as typeof process.stdout.write;
  try {
    return { code: await main(argv), stdout: chunks.join('') };
  } finally {
    process.stdout.write = write;
  }
}
