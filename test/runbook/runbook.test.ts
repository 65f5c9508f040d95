import { join } from 'node:path';
import { expect, it } from '@jest/globals';
import pg from 'pg';
import { runCheck } from '../../src/cli/check.js';
import type { MonitorReport } from '../../src/runbook/monitor.js';
import { BLOCKERS_SQL, renderRunbook, watchLocksSql } from '../../src/runbook/runbook.js';
import { makeRepo, PG_URL, throwawayDatabase } from '../helpers.js';
import { cli, describeWithPostgres, queryOn } from './local-pg.js';

/**
 * The runbook's per-statement rows (with the real lock trace, on the local PostgreSQL), its watch
 * queries (run against a real blocker), and its data checks' limits.
 */
const SCHEMA = 'CREATE TABLE users (id bigint PRIMARY KEY, age int, nickname text, code varchar(50));\nCREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);';
const { url: target } = throwawayDatabase(
  'mr_runbook',
  `${SCHEMA} INSERT INTO users SELECT g, CASE WHEN g % 100 = 0 THEN NULL ELSE g % 90 END, 'n' || g, 'c' || g FROM generate_series(1, 200000) g;
   INSERT INTO orders SELECT g, g % 250000 FROM generate_series(1, 100000) g;`,
);

/** The runbook of `change` with the lock trace run for real (on a throwaway database of the local server). */
async function tracedRunbook(change: string, extra: Record<string, string> = {}, staging?: MonitorReport): Promise<string> {
  const root = await makeRepo({ 'migrations/000001_init.up.sql': SCHEMA, 'migrations/000002_change.up.sql': change, ...extra });
  const { run, review } = await runCheck({ paths: [join(root, 'migrations/000002_change.up.sql')], root, format: 'json', failOn: 'block', color: false, trace: true, databaseUrl: PG_URL, allowSuperuser: true }); // the test server trusts us as postgres: the refusal of superusers is tested in test/trace
  expect(review.trace?.files[0]?.statements.length).toBeGreaterThan(0);
  return renderRunbook({ review, discovery: run.prepared.discovery, change: run.prepared.change, config: run.prepared.config, staging });
}
const row = (runbook: string, line: number): string => runbook.split('\n').find((l) => l.startsWith(`| ${line} |`)) ?? '';

describeWithPostgres('runbook', () => {
  it('per statement: locks still held from earlier statements, a traced rewrite, staging times on the statement that took them, what a rollback loses (item 11)', async () => {
    const change = [
      'ALTER TABLE users ADD CONSTRAINT users_age_check CHECK (age >= 0) NOT VALID;',
      'ALTER TABLE users VALIDATE CONSTRAINT users_age_check;',
      'ALTER TABLE users ALTER COLUMN code TYPE varchar(20);',
      'ALTER TABLE users ADD COLUMN note text;',
      'ALTER TABLE users DROP COLUMN nickname;',
    ].join('\n');
    const staging: MonitorReport = {
      command: 'migrate',
      exitCode: 0,
      signal: null,
      failure: null,
      seconds: 3,
      samples: 12,
      thresholdSeconds: 5,
      tables: [{ table: 'users', longestHold: { seconds: 2.4, mode: 'AccessExclusiveLock', query: 'ALTER TABLE users ALTER COLUMN code TYPE varchar(20)' }, longestWait: null, migration: null }],
      maxReplicationLagSeconds: null,
      exceeded: [],
    };
    // With the rewrite findings turned off (a policy choice), the duration still comes from what the trace saw.
    const config = 'rules:\n  alter-column-type-rewrite: "off"\n  table-rewrite-traced: "off"\n';
    const down = 'ALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE users DROP COLUMN note;\nALTER TABLE users ALTER COLUMN code TYPE varchar(50);\nALTER TABLE users DROP CONSTRAINT users_age_check;';
    const runbook = await tracedRunbook(change, { '.github/migration-review.yml': config, 'migrations/000002_change.down.sql': down }, staging);
    expect(row(runbook, 2)).toContain('AccessExclusive users (held since line 1)');
    expect(row(runbook, 3)).toMatch(/rewrites users \(traced\)/);
    expect(row(runbook, 3)).toContain('staging: AccessExclusive on users held 2.4 s');
    for (const line of [1, 2, 4]) expect(row(runbook, line)).not.toContain('staging:');
    // The DROP COLUMN finding starts "Verify: nothing reads or writes users.nickname … —": what is lost comes after it.
    expect(runbook).toMatch(/It cannot bring back: ALTER COLUMN users\.code TYPE varchar\(20\) narrows varchar\(50\); DROP COLUMN users\.nickname deletes every value in it,/);
    expect(runbook).not.toContain('It cannot bring back: Verify');
  });

  it('the watch queries show the waiting migration and its idle-in-transaction blocker, and the action given is the one that frees it (item 12)', async () => {
    const runbook = await tracedRunbook('ALTER TABLE users ADD COLUMN note text;');
    expect(runbook).toContain(watchLocksSql("'users'::regclass", 14));
    expect(runbook).toContain(BLOCKERS_SQL);
    const reader = new pg.Client({ connectionString: target, application_name: 'app' });
    const migration = new pg.Client({ connectionString: target, application_name: 'migration' });
    await reader.connect();
    await migration.connect();
    reader.on('error', () => undefined); // it is terminated below
    await reader.query('BEGIN');
    await reader.query('SELECT count(*) FROM users');
    const altering = migration.query('ALTER TABLE users ADD COLUMN note text');
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const locks = await queryOn<{ pid: number; granted: boolean; waiting_for: unknown }>(target, watchLocksSql("'users'::regclass", 15));
      expect(locks.some((l) => !l.granted && l.waiting_for !== null)).toBe(true); // the migration, waiting
      const blockers = await queryOn<{ blocker_state: string; blocker_query: string; action: string }>(target, BLOCKERS_SQL);
      const head = blockers.find((b) => b.blocker_state === 'idle in transaction')!;
      expect(head).toMatchObject({ blocker_query: 'SELECT count(*) FROM users', action: expect.stringMatching(/^SELECT pg_terminate_backend\(\d+\);$/) });
      // pg_cancel_backend would leave it holding the lock; the given action frees the migration.
      const pid = Number(/\d+/.exec(head.action)![0]);
      await queryOn(target, 'SELECT pg_cancel_backend($1)', [pid]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await queryOn(target, 'SELECT state FROM pg_stat_activity WHERE pid = $1', [pid])).toEqual([{ state: 'idle in transaction' }]);
      await queryOn(target, head.action);
      await altering;
    } finally {
      await migration.end();
      await reader.end().catch(() => undefined);
    }
  });

  it('a data check gives up on a lock in seconds, and the runbook then exits 1 saying it could not run (item 13)', async () => {
    const root = await makeRepo({ 'migrations/000001_init.up.sql': SCHEMA, 'migrations/000002_change.up.sql': 'ALTER TABLE users ALTER COLUMN age SET NOT NULL;' });
    const file = join(root, 'migrations/000002_change.up.sql');
    const holder = new pg.Client({ connectionString: target });
    await holder.connect();
    // A migration holding ACCESS EXCLUSIVE: a probe without a lock timeout would queue for its full 30 s (and everything behind it).
    await holder.query('BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
    const started = Date.now();
    try {
      const { code, stdout } = await cli(['runbook', file, '--root', root, '--no-trace', '--database-url', target]);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(code).toBe(1);
      expect(stdout).toContain('⛔ **1 of 1 data check could not run** (first: canceling statement due to lock timeout)');
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    // Unblocked, the same check counts the 2,000 NULL ages; --check-timeout bounds a slow one.
    const counted = await cli(['runbook', file, '--root', root, '--no-trace', '--database-url', target]);
    expect(counted.code).toBe(1);
    expect(counted.stdout).toContain('⛔ **2,000** rows');
    const slow = await cli(['runbook', file, '--root', root, '--no-trace', '--database-url', target, '--check-timeout', '0.001']);
    expect(slow.stdout).toContain('could not run** (first: canceling statement due to statement timeout)');
  });
});
