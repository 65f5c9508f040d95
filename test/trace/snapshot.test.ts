import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emptyClusterDump, pgliteEngine, WarmStarts } from '../../src/trace/engines.js';
import { openPglite } from '../../src/trace/executor.js';
import { DEFAULT_LIMITS, traceChange } from '../../src/trace/trace.js';
import { discovered } from './helpers.js';

/**
 * Every trace starts by untarring a dump, so the dump holds only what a trace reads: the session's
 * own database and the WAL from the last checkpoint on, in 1 MB segments. A cluster started from
 * it must still be a whole PostgreSQL: it writes, checkpoints, switches WAL segments and dumps
 * again.
 */
describe('the data-dir snapshot', () => {
  it('holds one database and the live WAL only, and a cluster started from it works', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'mr-snapshot-'));
    try {
      const dump = await emptyClusterDump(cacheDir);
      expect(dump.byteLength).toBeLessThan(16 * 1024 * 1024); // was 40 MB with the templates and one 16 MB segment

      const db = await openPglite(dump.slice(0));
      try {
        const [facts] = await db.query<{ segment: string; buffers: string; db: string; others: string[]; missing: boolean[]; wal: number }>(
          `SELECT current_setting('wal_segment_size') AS segment, current_setting('shared_buffers') AS buffers, current_database() AS db,
                  ARRAY(SELECT datname::text FROM pg_database WHERE datname <> current_database() ORDER BY 1) AS others,
                  ARRAY(SELECT pg_stat_file('base/' || oid, true) IS NULL FROM pg_database WHERE datname <> current_database()) AS missing,
                  (SELECT count(*)::int FROM pg_ls_waldir()) AS wal`,
        );
        // 16 MB of shared buffers, not PGlite's 160 MB: zeroing those was a quarter of each start.
        expect(facts).toMatchObject({ segment: '1MB', buffers: '16MB', db: 'postgres', others: ['template0', 'template1'], missing: [true, true] });
        expect(facts!.wal).toBeLessThanOrEqual(2); // the dump's one segment, and the next once the server starts writing

        // Enough writes to cross several segments, then a checkpoint and another dump.
        await db.exec(
          "CREATE TABLE filler (id int PRIMARY KEY, pad text); INSERT INTO filler SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g; CREATE INDEX ON filler (pad);",
          30_000,
        );
        const again = await db.dump!();
        const next = await openPglite(again);
        try {
          // Counted before reading filler: the first read sets hint bits, which (data checksums
          // are on since PostgreSQL 18) writes full pages to the WAL.
          const [{ wal }] = (await next.query<{ wal: number }>('SELECT count(*)::int AS wal FROM pg_ls_waldir()')) as [{ wal: number }];
          expect(wal).toBeLessThanOrEqual(2);
          expect(await next.query('SELECT count(*)::int AS n FROM filler')).toEqual([{ n: 20000 }]);
        } finally {
          await next.close();
        }
      } finally {
        await db.close();
      }
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('a cache directory that cannot be written costs the snapshot, not the trace', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'mr-snapshot-'));
    try {
      const notADirectory = join(parent, 'file');
      writeFileSync(notADirectory, 'a file where the cache directory should be');
      const { discovery, change } = await discovered(
        {
          'migrations/000001_init.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);',
          'migrations/000002_index.up.sql': 'CREATE INDEX idx_status ON orders (status);',
        },
        ['migrations/000002_index.up.sql'],
      );
      const result = await traceChange({ discovery, change }, pgliteEngine({ cacheDir: join(notADirectory, 'cache') }), DEFAULT_LIMITS);
      expect(result.stopped).toBeUndefined();
      expect(result.base).toMatchObject({ migrations: 1, snapshot: 'none' });
      expect(result.files[0]!.statements[0]!.locks.map((l) => `${l.relation}:${l.mode}`)).toEqual(['orders:ShareLock']);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  }, 120_000);

  it('with no earlier migrations the base is the empty cluster: no copy of it is written, and spares boot from it', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'mr-snapshot-'));
    const warm = new WarmStarts();
    try {
      const { discovery, change } = await discovered(
        { 'migrations/000001_init.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nCREATE INDEX idx_status ON orders (status);' },
        ['migrations/000001_init.up.sql'],
      );
      const run = () => traceChange({ discovery, change }, pgliteEngine({ cacheDir, warm }), DEFAULT_LIMITS);
      const first = await run();
      expect(first.base).toMatchObject({ migrations: 0, snapshot: 'none' });
      expect(readdirSync(cacheDir).filter((name) => name.startsWith('base-'))).toEqual([]);
      const second = await run();
      expect(second.base).toMatchObject({ migrations: 0, statements: 0, snapshot: 'warm' });
      expect(second.files[0]!.statements.map((s) => s.status)).toEqual(['ok', 'ok']);
      await warm.close();
      expect((await traceChange({ discovery, change }, pgliteEngine({ cacheDir }), DEFAULT_LIMITS)).base.snapshot).toBe('cached');
      expect(readdirSync(cacheDir).filter((name) => name.startsWith('base-'))).toEqual([]);
    } finally {
      await warm.close();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }, 120_000);
});
