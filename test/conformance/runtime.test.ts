/**
 * Checks the PostgreSQL facts the conformance labels rely on (`runtime:` in case.yml) on the local
 * PostgreSQL: base migrations, seed, then the PR's up SQL applied the way its runner sends it;
 * `fails` and the tables whose relfilenode changed must match the case. If PostgreSQL disagrees
 * with a case, the case's label is wrong, not this test.
 */
import { describe, expect, test } from '@jest/globals';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pg from 'pg';
import { loadCases, type ConformanceCase } from '../../scripts/conformance.js';
import { discover, listRepoFiles, repoFiles } from '../../src/discover/index.js';
import type { MigrationFile } from '../../src/core/types.js';
import { throwawayDatabase } from '../helpers.js';

const require = createRequire(import.meta.url);
const pgQuery = require('libpg-query') as typeof import('libpg-query');

const cases = loadCases(process.env.CONFORMANCE_FILTER).filter((c) => c.spec.runtime);

/** Statements of a script as separate strings (byte offsets from libpg-query). */
function split(sql: string): string[] {
  const bytes = Buffer.from(sql, 'utf8');
  const stmts = (pgQuery.parseSync(sql) as { stmts?: { stmt_location?: number; stmt_len?: number }[] }).stmts ?? [];
  return stmts
    .map((s) => {
      const start = s.stmt_location ?? 0;
      const end = s.stmt_len ? start + s.stmt_len : bytes.length;
      return bytes.subarray(start, end).toString('utf8').trim();
    })
    .filter((s) => s.replace(/--[^\n]*/g, '').trim().length > 0);
}

/** One unit the runner sends: the SQL strings, and whether it wraps them in BEGIN/COMMIT. */
interface Unit {
  statements: string[];
  wrap: boolean;
}

/** How each runner sends a migration (README's framework table). */
function unitsOf(files: MigrationFile[]): Unit[] {
  const units: Unit[] = [];
  for (const file of files) {
    const statements = split(file.upSql);
    switch (file.txMode) {
      case 'per-file':
        units.push({ statements, wrap: true });
        break;
      case 'implicit':
        // Flyway runs a script of only CONCURRENTLY statements outside a transaction, else in one.
        if (file.framework === 'flyway') {
          const concurrentOnly = statements.every((s) => /\bconcurrently\b/i.test(s));
          units.push(concurrentOnly ? { statements, wrap: false } : { statements, wrap: true });
        } else {
          units.push({ statements: [file.upSql], wrap: false }); // one query string
        }
        break;
      case 'all-pending': {
        const last = units.at(-1) as (Unit & { drizzle?: boolean }) | undefined;
        if (last?.drizzle) last.statements.push(...statements);
        else units.push(Object.assign({ statements, wrap: true }, { drizzle: true }));
        break;
      }
      default: // 'none' (sqitch, NO TRANSACTION), 'unknown' (plain: psql -f, autocommit)
        units.push({ statements, wrap: false });
    }
  }
  return units;
}

async function apply(client: pg.Client, units: Unit[]): Promise<string | null> {
  for (const unit of units) {
    try {
      if (unit.wrap) await client.query('BEGIN');
      for (const statement of unit.statements) await client.query(statement);
      if (unit.wrap) await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      return error instanceof Error ? error.message : String(error);
    }
  }
  return null;
}

async function relfilenodes(client: pg.Client): Promise<Map<string, { name: string; node: string }>> {
  const { rows } = await client.query<{ oid: string; name: string; node: string }>(
    `SELECT c.oid::text AS oid, c.relname AS name, c.relfilenode::text AS node
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`,
  );
  return new Map(rows.map((r) => [r.oid, { name: r.name, node: r.node }]));
}

async function runtimeFacts(item: ConformanceCase, url: string): Promise<{ error: string | null; rewrites: string[]; baseError: string | null }> {
  const root = join(item.dir, 'repo');
  const repo = repoFiles(root, await listRepoFiles(root));
  const { migrations } = await discover(repo, { explicit: item.spec.change });
  const change = new Set(item.spec.change);
  const base = migrations.filter((m) => !change.has(m.path));
  const pr = migrations.filter((m) => change.has(m.path));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  client.on('notice', () => undefined);
  try {
    await client.query("SET client_min_messages = warning; SET TIME ZONE 'UTC'");
    const baseError = await apply(client, unitsOf(base));
    if (item.spec.seed) await client.query(item.spec.seed);
    const before = await relfilenodes(client);
    const error = await apply(client, unitsOf(pr));
    const after = await relfilenodes(client);
    const rewrites = [...before].filter(([oid, b]) => after.has(oid) && after.get(oid)!.node !== b.node).map(([, b]) => b.name);
    return { error, rewrites: rewrites.sort(), baseError };
  } finally {
    await client.end();
  }
}

describe('conformance runtime claims', () => {
  test('there are cases with runtime claims', () => {
    expect(cases.length).toBeGreaterThan(0);
  });
  cases.forEach((item, index) => {
    describe(item.id, () => {
      const db = throwawayDatabase(`conf_rt_${index}`, '');
      test('fails / rewrites as labelled', async () => {
        const facts = await runtimeFacts(item, db.url);
        const runtime = item.spec.runtime!;
        expect({ id: item.id, baseError: facts.baseError }).toEqual({ id: item.id, baseError: null });
        expect({ id: item.id, fails: facts.error !== null, error: facts.error }).toEqual({ id: item.id, fails: runtime.fails, error: runtime.fails ? facts.error : null });
        if (runtime.rewrites && !runtime.fails) expect({ id: item.id, rewrites: facts.rewrites }).toEqual({ id: item.id, rewrites: [...runtime.rewrites].sort() });
      });
    });
  });
});
