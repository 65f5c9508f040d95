import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, expect, it } from '@jest/globals';
import pg from 'pg';
import { monitor, monitorMarkdown, type MonitorReport, type TableReport } from '../../src/runbook/monitor.js';
import { REPO_ROOT, throwawayDatabase } from '../helpers.js';
import { describeWithPostgres, queryOn } from './local-pg.js';

/**
 * The staging monitor against the local PostgreSQL 15 with a real conflict: an application
 * session reads orders and stays idle in its transaction; the migration's ALTER queues for ACCESS
 * EXCLUSIVE behind it (2 s), then holds it 1 s; an application INSERT queues behind the migration.
 */
const { url: target } = throwawayDatabase(
  'mr_monitor',
  "CREATE TABLE orders (id bigint PRIMARY KEY, status text, customer_id bigint); INSERT INTO orders SELECT g, CASE WHEN g % 7 = 0 THEN NULL ELSE 'new' END, g % 997 FROM generate_series(1, 200000) g",
);
const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });
const pgPath = JSON.stringify(createRequire(import.meta.url).resolve('pg'));
/** A migration command: a node script that runs `sql` on the target through node-postgres. */
const migration = (sql: string): string[] => ['node', '-e', `const pg=require(${pgPath});const c=new pg.Client({connectionString:${JSON.stringify(target)}});c.connect().then(()=>c.query(${JSON.stringify(sql)})).then(()=>c.end())`];
const sleep = (ms: number): Promise<unknown> => new Promise((resolve) => setTimeout(resolve, ms));

/** Until the migration's ACCESS EXCLUSIVE request is queued (node starts slowly on a busy machine). */
async function untilMigrationWaits(): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const rows = await queryOn(target, "SELECT 1 FROM pg_locks WHERE relation = 'orders'::regclass AND mode = 'AccessExclusiveLock' AND NOT granted");
    if (rows.length) return;
    await sleep(50);
  }
  throw new Error('the migration never queued for its lock');
}

describeWithPostgres('monitor', () => {
  let report: MonitorReport;
  let orders: TableReport;
  let blockerPid: number;

  beforeAll(async () => {
    const app = new pg.Client({ connectionString: target, application_name: 'app' });
    const writer = new pg.Client({ connectionString: target, application_name: 'app-writer' });
    await app.connect();
    await writer.connect();
    blockerPid = (await app.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    // The application reads orders and leaves its transaction open (idle in transaction)…
    await app.query('BEGIN');
    await app.query('SELECT count(*) FROM orders');
    // …the migration queues for ACCESS EXCLUSIVE, and will hold it for 1 s once granted…
    const running = monitor({ databaseUrl: target, command: migration('BEGIN; ALTER TABLE orders ADD COLUMN note text; SELECT pg_sleep(1); COMMIT'), thresholdSeconds: 1, intervalMs: 100, output: quiet });
    await untilMigrationWaits();
    await sleep(300);
    // …and an application write now queues behind the migration.
    const insert = writer.query("INSERT INTO orders VALUES (500000, 'new', 1)");
    await sleep(1_200);
    await app.query('COMMIT');
    await insert;
    report = await running;
    orders = report.tables.find((t) => t.table === 'orders')!;
    await app.end();
    await writer.end();
  });

  it("reports the migration's wait and its hold separately, not the transaction's age as a hold (item 6)", () => {
    expect(report.exitCode).toBe(0);
    expect(orders.migration).toMatchObject({ mode: 'AccessExclusiveLock' });
    // It queued ~1.5 s (seen waiting, +0.3 s, +1.2 s until the reader committed), then held its lock through pg_sleep(1).
    expect(orders.migration!.waitedSeconds).toBeGreaterThan(1.3);
    expect(orders.migration!.waitedSeconds).toBeLessThan(2.5);
    expect(orders.migration!.heldSeconds).toBeGreaterThan(0.6);
    expect(orders.migration!.heldSeconds).toBeLessThan(1.8);
    // The longest write-blocking hold is the 1 s, not the 3 s since the migration's BEGIN.
    expect(orders.longestHold!.seconds).toBeLessThan(1.8);
    expect(monitorMarkdown(report)).toMatch(/\| orders \| queued [12]\.\d s, held (0\.[6-9]|1\.\d) s AccessExclusiveLock \|/);
  });

  it('names the idle-in-transaction session at the head of the queue, for the migration and for the INSERT behind it (item 7)', () => {
    const head = { pid: blockerPid, state: 'idle in transaction', query: 'SELECT count(*) FROM orders', application: 'app' };
    expect(orders.migration!.blockedBy).toMatchObject(head);
    // The INSERT queued behind the migration, which queued behind the reader: the reader started the queue.
    expect(orders.longestWait!.waiter).toMatch(/^INSERT INTO orders/);
    expect(orders.longestWait!.rootBlocker).toMatchObject(head);
    expect(orders.longestWait!.heads.map((h) => h.application)).toEqual(['app', 'migration-review-monitored']);
    expect(report.exceeded.join('\n')).toMatch(/orders: the migration queued \d\.\d s for AccessExclusiveLock .*at the head: pid \d+ \(app\), idle in transaction for \d\.\d s: SELECT count\(\*\) FROM orders/);
  });

  it('a failing command heads the report and never gets "nothing over" (item 8)', async () => {
    const failed = await monitor({ databaseUrl: target, command: ['node', '-e', 'setTimeout(() => process.exit(3), 200)'], thresholdSeconds: 1, intervalMs: 100, output: quiet });
    expect(failed).toMatchObject({ exitCode: 3, failure: 'the command failed (exit 3)', exceeded: [] });
    expect(monitorMarkdown(failed)).toMatch(/^## ⛔ Migration run on staging: the command failed \(exit 3\)/);
    expect(monitorMarkdown(failed)).not.toContain('nothing over');
    const quietRun = await monitor({ databaseUrl: target, command: ['node', '-e', 'setTimeout(() => {}, 300)'], thresholdSeconds: 1, intervalMs: 100, output: quiet });
    expect(quietRun).toMatchObject({ exitCode: 0, failure: null, exceeded: [] });
    expect(monitorMarkdown(quietRun)).toContain('## ✅ Migration run on staging: nothing over 1 s');
  });

  it('its own session terminated mid-run (pg_terminate_backend): no crash, the report says sampling stopped', async () => {
    const running = monitor({ databaseUrl: target, command: ['node', '-e', 'setTimeout(() => {}, 1500)'], thresholdSeconds: 1, intervalMs: 300, output: quiet });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await queryOn(target, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'migration-review-monitor'");
    const report = await running;
    expect(report.exitCode).toBe(0);
    expect(report.failure).toMatch(/^sampling stopped early: /);
  });

  it('SIGTERM to monitor stops the command too, and the report is still written, headed by the interruption (item 8)', async () => {
    const pidFile = join(tmpdir(), `mr-monitor-child-${process.pid}`);
    const child = `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`;
    const cli = `import(${JSON.stringify(join(REPO_ROOT, 'src/cli/main.ts'))}).then(async (m) => { process.exitCode = await m.main(process.argv.slice(1)); })`;
    const monitorProcess = spawn('node', ['--import', 'tsx', '-e', cli, 'monitor', '--database-url', target, '--interval-ms', '100', '--', 'node', '-e', child], { cwd: REPO_ROOT });
    let stdout = '';
    monitorProcess.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => monitorProcess.on('exit', resolve));
    for (let i = 0; i < 300 && !existsSync(pidFile); i++) await sleep(100);
    const childPid = Number(readFileSync(pidFile, 'utf8'));
    monitorProcess.kill('SIGTERM');
    const code = await exited;
    const alive = (() => {
      try {
        process.kill(childPid, 0);
        return true;
      } catch {
        return false;
      }
    })();
    if (alive) process.kill(childPid, 'SIGKILL');
    expect(alive).toBe(false);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^## ⛔ Migration run on staging: monitor was interrupted \(SIGTERM\) and passed it on to the command; the command was killed by SIGTERM/);
    expect(stdout).toContain('was killed by SIGTERM after');
  });

});
