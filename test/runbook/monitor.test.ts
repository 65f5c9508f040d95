import { createRequire } from 'node:module';
import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { monitor, monitorMarkdown } from '../../src/runbook/monitor.js';
import { throwawayDatabase } from '../helpers.js';

/**
 * The staging monitor against the local PostgreSQL 15 with a real conflict: an application
 * transaction holds the table, the migration's ALTER waits for it, and an application INSERT then
 * waits behind the migration. The monitor sees both waits and flags them over the threshold.
 */
const { url: target } = throwawayDatabase('mr_monitor', 'CREATE TABLE orders (id bigint PRIMARY KEY, status text); INSERT INTO orders SELECT g, $$new$$ FROM generate_series(1, 1000) g');
const quiet = new Writable({ write: (_chunk, _encoding, done) => done() });

describe('monitor', () => {
  it('sees the migration wait behind a long transaction and the traffic it queues, and flags both', async () => {
    const app = new pg.Client({ connectionString: target, application_name: 'app' });
    const writer = new pg.Client({ connectionString: target, application_name: 'app-writer' });
    await app.connect();
    await writer.connect();
    // The application holds a long read transaction on orders…
    await app.query('BEGIN; SELECT count(*) FROM orders');
    // …the migration starts and queues for ACCESS EXCLUSIVE…
    const running = monitor({
      databaseUrl: target,
      command: ['node', '-e', `const pg=require(${JSON.stringify(createRequire(import.meta.url).resolve('pg'))});const c=new pg.Client({connectionString:${JSON.stringify(target)}});c.connect().then(()=>c.query('ALTER TABLE orders ADD COLUMN note text')).then(()=>c.end())`],
      thresholdSeconds: 1,
      intervalMs: 100,
      output: quiet,
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    // …and a write from the application now queues behind the migration.
    const insert = writer.query("INSERT INTO orders VALUES (5000, 'new')");
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    await app.query('COMMIT');
    await insert;
    const report = await running;
    await app.end();
    await writer.end();
    expect(report.exitCode).toBe(0);
    const orders = report.tables.find((t) => t.table === 'orders')!;
    expect(orders.longestWait!.seconds).toBeGreaterThan(1);
    expect(report.exceeded.some((e) => /orders: a session waited \d+\.\d s \(over 1 s\)/.test(e))).toBe(true);
    expect(monitorMarkdown(report)).toContain('threshold');
  });
  it('a quiet run passes', async () => {
    const report = await monitor({ databaseUrl: target, command: ['node', '-e', 'setTimeout(() => {}, 300)'], thresholdSeconds: 1, intervalMs: 100, output: quiet });
    expect(report).toMatchObject({ exitCode: 0, exceeded: [] });
    expect(report.samples).toBeGreaterThan(1);
  });
});
