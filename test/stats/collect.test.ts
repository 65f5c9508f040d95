import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runRunbook } from '../../src/cli/runbook.js';
import { runStats } from '../../src/cli/stats.js';
import { collectStats } from '../../src/stats/collect.js';
import { parseStatsFile } from '../../src/stats/load.js';
import { makeRepo, PG_URL, throwawayDatabase } from '../helpers.js';

/**
 * `stats` against the local PostgreSQL 15 with generated data, in a database of its own. Without
 * a reachable server the whole file is skipped, and says so.
 */
async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

const pgUp = await reachable();
if (!pgUp) console.warn(`SKIPPED test/stats/collect.test.ts: no PostgreSQL at ${PG_URL} (set MIGRATION_REVIEW_PG_URL)`);
const describeWithPg = pgUp ? describe : describe.skip;

const SCHEMA = `
CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL, note text);
INSERT INTO orders SELECT g, (ARRAY['new','paid','shipped'])[1 + g % 3], md5(g::text) FROM generate_series(1, 200000) g;
CREATE INDEX idx_orders_status ON orders (status);
CREATE TABLE events (id bigserial PRIMARY KEY, kind text);
CREATE TABLE audit (id bigint, at timestamptz) PARTITION BY RANGE (id);
CREATE TABLE audit_1 PARTITION OF audit FOR VALUES FROM (0) TO (50000);
CREATE TABLE audit_2 PARTITION OF audit FOR VALUES FROM (50000) TO (100000);
INSERT INTO audit SELECT g, now() FROM generate_series(0, 99999) g;
ANALYZE;`;

/** Runs `sql` on its own connection and closes it: the backend flushes its statistics as it exits. */
async function onOwnConnection(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(sql);
  await client.end();
}

/** Every table's counters, read through a fresh snapshot. */
async function counters(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ relname: string; c: string }>(
    "SELECT relname, concat_ws(',', seq_scan, idx_scan, n_tup_ins, n_tup_upd, n_tup_del, n_tup_hot_upd) AS c FROM pg_stat_user_tables",
  );
  await client.end();
  return Object.fromEntries(rows.map((r) => [r.relname, r.c]));
}

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describeWithPg('stats on PostgreSQL 15', () => {
  const db = throwawayDatabase('mr_stats', SCHEMA);

  it('gives row counts within 10 % of count(*) after ANALYZE, and adds partitions into their parent', async () => {
    const { file } = await collectStats({ urls: [db.url], sampleSeconds: 0 });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const exact = Number((await client.query('SELECT count(*) AS n FROM orders')).rows[0].n);
    await client.end();
    expect(Math.abs(file.tables['public.orders']!.rows! - exact) / exact).toBeLessThan(0.1);
    expect(file.tables['public.audit']!.rows).toBeGreaterThan(90_000);
    expect(file.tables['public.audit']!.heapBytes).toBe(file.tables['public.audit_1']!.heapBytes + file.tables['public.audit_2']!.heapBytes);
    expect(file.tables['public.orders']!.totalBytes).toBeGreaterThan(file.tables['public.orders']!.heapBytes);
    expect(file.servers).toEqual([expect.objectContaining({ role: 'primary', postgres: 15 })]);
    expect(file.indexes['public.idx_orders_status']).toMatchObject({ table: 'public.orders', unique: false });
  });

  it('measures a non-zero write rate while a writer runs, and none on an idle table', async () => {
    const writer = new pg.Client({ connectionString: db.url });
    await writer.connect();
    let writing = true;
    const loop = (async () => {
      // One row per transaction: the backend flushes its counters at most once a second between them.
      while (writing) await writer.query("INSERT INTO events (kind) VALUES ('tick')");
    })();
    await settle(300);
    try {
      const { file } = await collectStats({ urls: [db.url], sampleSeconds: 3 });
      expect(file.tables['public.events']!.writesPerSecond).toBeGreaterThan(0);
      expect(file.tables['public.orders']!.writesPerSecond).toBe(0);
    } finally {
      writing = false;
      await loop;
      await writer.end();
    }
  });

  it('sees idx_scan grow when a query uses the index, and sums it over every URL given', async () => {
    const before = (await collectStats({ urls: [db.url], sampleSeconds: 0 })).file.indexes['public.idx_orders_status']!.idxScan;
    await onOwnConnection(
      db.url,
      "SET enable_seqscan = off; SELECT count(*) FROM orders WHERE status = 'paid'; SELECT count(*) FROM orders WHERE status = 'new';",
    );
    await settle(200);
    const { file } = await collectStats({ urls: [db.url], sampleSeconds: 0 });
    const after = file.indexes['public.idx_orders_status']!.idxScan;
    expect(after).toBeGreaterThanOrEqual(before + 2);
    // The same server twice stands in for a replica here: its scans count once per URL.
    const twice = await collectStats({ urls: [db.url, db.url], sampleSeconds: 0 });
    expect(twice.file.indexes['public.idx_orders_status']!.idxScan).toBe(2 * after);
  });

  it('reads only: no table counter moves from its run', async () => {
    await settle(1200);
    const before = await counters(db.url);
    await collectStats({ urls: [db.url], sampleSeconds: 1 });
    await settle(1200);
    expect(await counters(db.url)).toEqual(before);
  });

  it('runbook --refresh-stats rewrites the file first, and its estimates use the sizes', async () => {
    const root = await makeRepo({
      'db/migrations/000001_orders.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL, note text);',
      'db/migrations/000001_orders.down.sql': 'DROP TABLE orders;',
      'db/migrations/000002_note_index.up.sql': 'CREATE INDEX idx_orders_note ON orders (note);',
      'db/migrations/000002_note_index.down.sql': 'DROP INDEX idx_orders_note;',
    });
    const paths = [join(root, 'db/migrations/000002_note_index.up.sql')];
    expect((await runRunbook({ paths, root, trace: false })).output).toMatch(/\| SHARE orders \(static\) \| unknown/);
    const refreshed = (await runRunbook({ paths, root, trace: false, databaseUrl: db.url, refreshStats: true })).output;
    const file = parseStatsFile(await readFile(join(root, '.github/migration-review-stats.json'), 'utf8'));
    expect(file.tables['public.orders']!.rows).toBeGreaterThan(180_000);
    expect(refreshed).not.toMatch(/\| SHARE orders \(static\) \| unknown/);
  }, 30_000);

  it('writes the file where the config says the review reads it', async () => {
    const root = await makeRepo({ '.github/migration-review.yml': 'stats:\n  file: db/production-stats.json\n' });
    const { path, summary } = await runStats({ databaseUrl: [db.url], sampleSeconds: 0, root });
    expect(path).toBe(join(root, 'db/production-stats.json'));
    expect(parseStatsFile(await readFile(path!, 'utf8')).tables['public.orders']).toBeDefined();
    expect(summary).toMatch(/^Read 1 server, PostgreSQL 15, at .* UTC: \d+ tables, \d+ indexes\.\nLargest: public\.orders 200k rows/);
    expect(summary).toContain('Wrote db/production-stats.json.');
  });

  describe('as a role of its own', () => {
    const monitorRole = `mr_stats_monitor_${process.pid}`;
    const plainRole = `mr_stats_plain_${process.pid}`;
    const as = (role: string): string => {
      const url = new URL(db.url);
      url.username = role;
      return url.toString();
    };
    beforeAll(async () => {
      await onOwnConnection(
        PG_URL,
        `DROP ROLE IF EXISTS ${monitorRole}; DROP ROLE IF EXISTS ${plainRole}; CREATE ROLE ${monitorRole} LOGIN; GRANT pg_monitor TO ${monitorRole}; CREATE ROLE ${plainRole} LOGIN;`,
      );
    });
    afterAll(async () => {
      await onOwnConnection(PG_URL, `DROP ROLE IF EXISTS ${monitorRole}; DROP ROLE IF EXISTS ${plainRole};`);
    });

    it('runs as a non-superuser with pg_monitor, with nothing to warn about privileges', async () => {
      const { file, warnings } = await collectStats({ urls: [as(monitorRole)], sampleSeconds: 0 });
      expect(file.tables['public.orders']!.rows).toBeGreaterThan(180_000);
      expect(warnings.filter((w) => /superuser|pg_read_all_stats/.test(w))).toEqual([]);
    });

    it('tells a role without pg_monitor which GRANT to run', async () => {
      const { warnings } = await collectStats({ urls: [as(plainRole)], sampleSeconds: 0 });
      expect(warnings).toContainEqual(expect.stringContaining(`GRANT pg_monitor TO "${plainRole}";`));
    });
  });
});
