import { afterAll, beforeAll } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile, cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CORPUS = join(REPO_ROOT, '..', 'shared', 'corpus');
export const corpusAvailable = existsSync(CORPUS);

/** Makes a temporary repository from `{ path: content }`. */
export async function makeRepo(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'mr-'));
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

/** Copies a corpus folder into a temporary repository at `target`. */
export async function corpusRepo(corpusDir: string, target: string, extra: Record<string, string> = {}): Promise<string> {
  const root = await makeRepo(extra);
  await cp(join(CORPUS, corpusDir), join(root, target), { recursive: true });
  return root;
}

/** The local PostgreSQL that .ci/run starts (or MIGRATION_REVIEW_PG_URL). */
export const PG_URL = process.env.MIGRATION_REVIEW_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A database of its own for one test file on the local PostgreSQL: created (with `sql` run in it)
 * before the tests, dropped after. Returns its URL and a function for more SQL.
 */
export function throwawayDatabase(prefix: string, sql: string): { url: string; run(sql: string): Promise<void> } {
  const name = `${prefix}_${process.pid}`;
  const target = new URL(PG_URL);
  target.pathname = `/${name}`;
  const url = target.toString();
  const run = async (text: string): Promise<void> => {
    const { default: pg } = await import('pg');
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      await db.query(text);
    } finally {
      await db.end();
    }
  };
  const admin = async (text: string): Promise<void> => {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  beforeAll(async () => {
    await admin(`DROP DATABASE IF EXISTS ${name}`);
    await admin(`CREATE DATABASE ${name}`);
    if (sql) await run(sql);
  });
  afterAll(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  return { url, run };
}
