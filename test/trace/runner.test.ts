import { describe, expect, it } from '@jest/globals';
import { emptyClusterDump } from '../../src/trace/engines.js';
import { openPglite, TraceTimeout, type Executor } from '../../src/trace/executor.js';
import { TEST_CACHE_DIR } from '../rule-tester.js';
import { BudgetSpent, Clock, execWithinBudget } from '../../src/trace/runner.js';
import { reviewWithTrace, trace } from './helpers.js';

/**
 * What the statement runner may conclude, and what it may not: a trace cut short by its own
 * budget, a new relfilenode that is not a rewrite, a statement that must run alone, an engine
 * that breaks under a statement.
 */
const UP = 'migrations/000002_change.up.sql';
const init = (sql: string): Record<string, string> => ({ 'migrations/000001_init.up.sql': sql });

describe("the trace's total budget", () => {
  const benign = 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nALTER TABLE a ADD COLUMN note text;';
  it('once spent, the statements left are not traced because of it: never killed, never run under a limit of its remainder', async () => {
    const result = await trace({ 'migrations/000001_change.up.sql': benign }, ['migrations/000001_change.up.sql'], { totalMs: 1 });
    const statements = result.files[0]!.statements;
    expect(statements.map((s) => [s.status, s.stoppedBy])).toEqual([
      ['skipped', 'budget'],
      ['skipped', 'budget'],
      ['skipped', 'budget'],
    ]);
    expect(statements[0]!.reason).toMatch(/^not traced: the trace's total budget \(1 ms\) ran out/);
    expect(result.stopped).toMatch(/budget/);
  });
  it('a statement stopped at what was left of the budget was stopped by the budget, not by its own limit', async () => {
    // Times out the way the PGlite executor does: at the limit it was given, with that limit in the error.
    const endless: Executor = {
      engine: 'pglite',
      exec: (_sql, timeoutMs) => new Promise((_resolve, reject) => setTimeout(() => reject(new TraceTimeout(timeoutMs)), timeoutMs)),
      query: async () => [],
      close: async () => undefined,
    };
    await expect(execWithinBudget(endless, 'DO $$ BEGIN LOOP END LOOP; END $$', 5_000, new Clock(100))).rejects.toBeInstanceOf(BudgetSpent);
    // With budget to spare, its own limit stops it: a fact about the statement.
    await expect(execWithinBudget(endless, 'DO $$ BEGIN LOOP END LOOP; END $$', 50, new Clock(60_000))).rejects.toBeInstanceOf(TraceTimeout);
  });
  it('running out in the down: the up stays traced, the down is not run, and nothing is a finding about the migration', async () => {
    const files = {
      'migrations/000001_change.up.sql': 'CREATE TABLE a (id int);',
      // 25 s of down against a 20 s budget: PGlite's start and the up fit in the rest even on a loaded machine.
      'migrations/000001_change.down.sql': `${'SELECT pg_sleep(1);\n'.repeat(25)}DROP TABLE a;`,
    };
    const result = await reviewWithTrace(files, ['migrations/000001_change.up.sql'], {}, { limits: { totalMs: 20_000 } });
    const file = result.trace!.files[0]!;
    expect(file.statements.map((s) => s.status)).toEqual(['ok']);
    expect(file.rollback).toMatchObject({ status: 'not-run', reason: "not run: the trace's total budget (20000 ms) ran out" });
    expect(result.trace!.stopped).toMatch(/in the down of migrations\/000001_change\.up\.sql/);
    expect(result.findings.filter((f) => f.source === 'trace')).toEqual([]);
  });
  it('is one FLAG for the file, not a BLOCK', async () => {
    const result = await reviewWithTrace({ 'migrations/000001_change.up.sql': benign }, ['migrations/000001_change.up.sql'], {}, { limits: { totalMs: 1 } });
    const traced = result.findings.filter((f) => f.source === 'trace');
    expect(traced.map((f) => `${f.rule}:${f.status}:${f.line}`)).toEqual(['not-traced:FLAG:1']);
    expect(traced[0]!.message).toMatch(/cut short by its own time budget/);
  });
});

describe('TRUNCATE', () => {
  it('gives the table a new relfilenode (the fact), which is not a rewrite: nothing is copied', async () => {
    const db = await openPglite(await emptyClusterDump(TEST_CACHE_DIR));
    try {
      await db.exec("CREATE TABLE t (id int); INSERT INTO t VALUES (1);", 5_000);
      const node = async (): Promise<string> => (await db.query<{ n: string }>("SELECT relfilenode::text AS n FROM pg_class WHERE relname = 't'"))[0]!.n;
      const before = await node();
      await db.exec('TRUNCATE t', 5_000);
      expect(await node()).not.toBe(before);
    } finally {
      await db.close();
    }
    const files = { ...init("CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nINSERT INTO orders VALUES (1, 'new');"), [UP]: 'TRUNCATE orders;' };
    const result = await reviewWithTrace(files, [UP], { tables: { orders: { rows: 80_000_000 } } });
    expect(result.trace!.files[0]!.statements[0]).toMatchObject({ status: 'ok', rewrites: [] });
    expect(result.findings.map((f) => f.rule)).not.toContain('table-rewrite-traced');
  });
});

describe('a statement that can only run outside a transaction block', () => {
  const partitioned = init(
    "CREATE TABLE parent (id int, created date) PARTITION BY RANGE (created);\nCREATE TABLE part PARTITION OF parent FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
  );
  it('DETACH PARTITION … CONCURRENTLY fails in a transaction block, the implicit one of a query string included (the fact)', async () => {
    const result = await trace({ ...partitioned, [UP]: "SET lock_timeout = '3s';\nALTER TABLE parent DETACH PARTITION part CONCURRENTLY;" }, [UP]);
    expect(result.files[0]!.statements[1]).toMatchObject({ status: 'error', code: '25001' });
  });
  it('alone in a golang-migrate file, it runs alone, as the runner sends it: no failure', async () => {
    const result = await reviewWithTrace({ ...partitioned, [UP]: 'ALTER TABLE parent DETACH PARTITION part CONCURRENTLY;' }, [UP]);
    expect(result.trace!.files[0]!.txMode).toBe('implicit');
    expect(result.trace!.files[0]!.statements[0]).toMatchObject({ status: 'ok', inTransaction: false });
    expect(result.findings.map((f) => f.rule)).not.toContain('migration-fails-traced');
  });
  it('ANALYZE runs in a transaction block, so its locks are read; VACUUM cannot', async () => {
    const result = await trace({ ...init('CREATE TABLE orders (id int);'), [UP]: 'ANALYZE orders;' }, [UP]);
    expect(result.files[0]!.statements[0]).toMatchObject({ status: 'ok', inTransaction: false });
    expect(result.files[0]!.statements[0]!.locks.map((l) => `${l.relation}:${l.mode}`)).toEqual(['orders:ShareUpdateExclusiveLock']);
    const vacuum = await trace({ ...init('CREATE TABLE orders (id int);'), [UP]: 'VACUUM orders;' }, [UP]);
    expect(vacuum.files[0]!.statements[0]).toMatchObject({ status: 'ok', locks: [] });
  });
});

describe('when the trace engine itself breaks', () => {
  it('a JavaScript failure of PGlite under a statement is the engine failing, not the migration: not traced, a FLAG, the rules kept', async () => {
    const sql = "CREATE FUNCTION f(int) RETURNS int LANGUAGE sql AS 'SELECT f($1)';\nSELECT f(1);";
    const result = await reviewWithTrace({ ...init('CREATE TABLE orders (id int);'), [UP]: sql }, [UP]);
    const statement = result.trace!.files[0]!.statements[1]!;
    expect(statement).toMatchObject({ status: 'skipped', stoppedBy: 'engine' });
    expect(statement.reason).toMatch(/^not traced: the trace engine \(PGlite\) failed/);
    const traced = result.findings.filter((f) => f.source === 'trace');
    expect(traced.map((f) => `${f.rule}:${f.status}`)).toEqual(['not-traced:FLAG']);
    expect(traced[0]!.message).toMatch(/trace engine/);
    expect(traced[0]!.message).not.toMatch(/rejects/);
  });
});
