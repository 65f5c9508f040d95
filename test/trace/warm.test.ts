import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { historyKey, pgliteEngine, WarmStarts } from '../../src/trace/engines.js';
import { DEFAULT_LIMITS, traceChange, type TraceResult } from '../../src/trace/trace.js';
import { discovered } from './helpers.js';

/**
 * A long-lived process (the GitHub App) keeps an instance booted from the base's snapshot for the
 * next trace on that base. What such a trace reports must be what a trace from the snapshot file
 * reports; a spare that cannot serve is never used.
 */
const cacheDir = mkdtempSync(join(tmpdir(), 'mr-warm-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const repo = (stamp: string): Record<string, string> => ({
  'migrations/000001_init.up.sql': `CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nINSERT INTO orders VALUES (1, 'new');\n-- ${stamp}`,
  'migrations/000002_change.up.sql': 'ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX idx_status ON orders (status);',
});
const UP = 'migrations/000002_change.up.sql';

async function traceWith(files: Record<string, string>, warm?: WarmStarts): Promise<TraceResult> {
  const { discovery, change } = await discovered(files, [UP]);
  return traceChange({ discovery, change }, pgliteEngine({ cacheDir, warm }), DEFAULT_LIMITS);
}
const locks = (result: TraceResult): string[][] => result.files[0]!.statements.map((s) => s.locks.map((l) => `${l.relation}:${l.mode}`));

describe('instances booted ahead', () => {
  it('the next trace on the same base starts from the booted spare and reports what the snapshot file would', async () => {
    const warm = new WarmStarts();
    try {
      const files = repo(`same base ${Date.now()}`);
      const first = await traceWith(files, warm);
      expect(first.base.snapshot).toBe('built');
      expect(warm.size).toBe(1);
      const second = await traceWith(files, warm);
      expect(second.base.snapshot).toBe('warm');
      // Used once, then booted again for the trace after.
      expect(warm.size).toBe(1);
      const third = await traceWith(files, warm);
      expect(third.base.snapshot).toBe('warm');
      const fromFile = await traceWith(files);
      expect(fromFile.base.snapshot).toBe('cached');
      for (const result of [second, third]) {
        expect(result.base.statements).toBe(fromFile.base.statements);
        expect(locks(result)).toEqual(locks(fromFile));
        expect(result.files[0]!.statements.map((s) => s.status)).toEqual(['ok', 'ok']);
      }
      expect(locks(second)).toEqual([['orders:AccessExclusiveLock'], []]);
    } finally {
      await warm.close();
    }
  });

  it('two traces on the same base at once: one takes the spare, the other starts from the file', async () => {
    const warm = new WarmStarts();
    try {
      const files = repo(`concurrent ${Date.now()}`);
      await traceWith(files, warm);
      await warm.settled();
      const both = await Promise.all([traceWith(files, warm), traceWith(files, warm)]);
      expect(both.map((r) => r.base.snapshot).sort()).toEqual(['cached', 'warm']);
      expect(locks(both[0]!)).toEqual(locks(both[1]!));
      expect(warm.size).toBe(1);
    } finally {
      await warm.close();
    }
  });

  it('keeps at most `max` spares: a new base replaces the oldest', async () => {
    const warm = new WarmStarts({ max: 1 });
    try {
      const a = repo(`base a ${Date.now()}`);
      const b = repo(`base b ${Date.now()}`);
      await traceWith(a, warm);
      await traceWith(b, warm);
      expect(warm.size).toBe(1);
      expect((await traceWith(a, warm)).base.snapshot).toBe('cached');
    } finally {
      await warm.close();
    }
  });

  it('a spare that failed to boot is not used: the trace starts from the snapshot file', async () => {
    const warm = new WarmStarts();
    try {
      const files = repo(`broken spare ${Date.now()}`);
      expect((await traceWith(files)).base.snapshot).toBe('built');
      const { discovery } = await discovered(files, [UP]);
      const history = discovery.migrations.filter((m) => m.path !== UP);
      const broken = join(cacheDir, 'not-a-data-dir.tar');
      writeFileSync(broken, 'this is not a tar file');
      warm.prepare(historyKey(history), broken);
      expect(warm.size).toBe(1);
      const result = await traceWith(files, warm);
      expect(result.base.snapshot).toBe('cached');
      expect(result.files[0]!.statements.map((s) => s.status)).toEqual(['ok', 'ok']);
    } finally {
      await warm.close();
    }
  });

  it('keeps one spare per trace that ran at once on a base, up to `max`', async () => {
    const warm = new WarmStarts({ max: 2 });
    try {
      const files = repo(`pooled ${Date.now()}`);
      await traceWith(files, warm);
      await warm.settled();
      const first = await Promise.all([traceWith(files, warm), traceWith(files, warm)]);
      expect(first.map((r) => r.base.snapshot).sort()).toEqual(['cached', 'warm']);
      // Each trace that ended gave one back: two reviews at once now both start warm.
      expect(warm.size).toBe(2);
      await warm.settled();
      const second = await Promise.all([traceWith(files, warm), traceWith(files, warm)]);
      expect(second.map((r) => r.base.snapshot)).toEqual(['warm', 'warm']);
      expect(locks(second[0]!)).toEqual(locks(first[0]!));
      expect(warm.size).toBe(2);
    } finally {
      await warm.close();
    }
  });

  it('a spare never serves another base: a one-column difference in the history is a different base', async () => {
    const warm = new WarmStarts({ max: 2 });
    const withNote = (files: Record<string, string>): Record<string, string> => ({
      ...files,
      'migrations/000001_init.up.sql': files['migrations/000001_init.up.sql']!.replace('status text', 'status text, note text'),
    });
    try {
      const a = repo(`base keyed ${Date.now()}`);
      const b = withNote(a);
      const statuses = (result: TraceResult): string[] => result.files[0]!.statements.map((s) => s.status);
      expect((await traceWith(a, warm)).base.snapshot).toBe('built');
      // A's spare is booted; B's history differs by one column, so B replays its own base.
      const onB = await traceWith(b, warm);
      expect(onB.base.snapshot).toBe('built');
      expect(statuses(onB)).toEqual(['error', 'skipped']);
      expect(onB.files[0]!.statements[0]!.reason).toMatch(/column "note" of relation "orders" already exists/);
      // Each base's spare serves its own base only, whichever was booted last.
      for (const [files, expected] of [[a, ['ok', 'ok']], [b, ['error', 'skipped']], [a, ['ok', 'ok']]] as const) {
        await warm.settled();
        const result = await traceWith(files, warm);
        expect(result.base.snapshot).toBe('warm');
        expect(statuses(result)).toEqual(expected);
      }
    } finally {
      await warm.close();
    }
  });

  it("one review's migration never reaches another's: PR A creates table t, PR B on the same base creates t too", async () => {
    const warm = new WarmStarts({ max: 2 });
    const base = repo(`no leak ${Date.now()}`);
    const pr = (sql: string): Record<string, string> => ({ ...base, [UP]: sql });
    const prA = pr('CREATE TABLE t (id bigint PRIMARY KEY);\nALTER TABLE orders ADD COLUMN from_a text;');
    // Fails with "already exists" if anything PR A did were still there.
    const prB = pr('CREATE TABLE t (id int, name text);\nALTER TABLE orders ADD COLUMN from_a int;');
    try {
      await traceWith(prA, warm);
      for (const files of [prB, prA, prB]) {
        await warm.settled();
        const result = await traceWith(files, warm);
        expect(result.base.snapshot).toBe('warm');
        expect(result.files[0]!.statements.map((s) => `${s.status} ${s.reason ?? ''}`)).toEqual(['ok ', 'ok ']);
      }
      // At once, too: each takes its own instance.
      await warm.settled();
      const both = await Promise.all([traceWith(prA, warm), traceWith(prB, warm)]);
      for (const result of both) expect(result.files[0]!.statements.map((s) => s.status)).toEqual(['ok', 'ok']);
    } finally {
      await warm.close();
    }
  });

  it('a full pool makes room for a new base by stopping the base traced longest ago; snapshots in memory stay within their budget', async () => {
    // One snapshot (~10 MB) fits in 15 MB: the second evicts the first.
    const warm = new WarmStarts({ max: 2, snapshotCacheMb: 15 });
    try {
      const [a, b, c] = ['a', 'b', 'c'].map((name) => repo(`lru ${name} ${Date.now()}`));
      await traceWith(a!, warm);
      expect(warm.cachedSnapshots).toBe(1);
      await traceWith(b!, warm);
      expect(warm.cachedSnapshots).toBe(1);
      await traceWith(c!, warm);
      expect(warm.size).toBe(2);
      await warm.settled();
      expect((await traceWith(a!, warm)).base.snapshot).toBe('cached');
      expect((await traceWith(c!, warm)).base.snapshot).toBe('warm');
      expect(new WarmStarts({ snapshotCacheMb: 1 }).cachedSnapshots).toBe(0);
    } finally {
      await warm.close();
    }
  });

  it('stops spares left unused, and on close', async () => {
    const idle = new WarmStarts({ idleMs: 100 });
    const files = repo(`idle ${Date.now()}`);
    await traceWith(files, idle);
    expect(idle.size).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(idle.size).toBe(0);

    const closing = new WarmStarts();
    await traceWith(files, closing);
    expect(closing.size).toBe(1);
    await closing.close();
    expect(closing.size).toBe(0);

    const none = new WarmStarts({ max: 0 });
    await traceWith(files, none);
    expect(none.size).toBe(0);
  });
});
