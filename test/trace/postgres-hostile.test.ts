import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Review } from '../../src/core/types.js';
import { openPostgres } from '../../src/trace/postgres-executor.js';
import { SqlError } from '../../src/trace/executor.js';
import { makeRepo, REPO_ROOT } from '../helpers.js';
import { reviewWithTrace } from './helpers.js';
import { HOSTILE_SQL, PWNED, type HostileSql } from './hostile-sql.js';
import { asSuperuser, Bystander, leftoverBackends, leftoverDatabases, PG_URL, postgresReachable, roleSettings, roleWith, urlAs } from './postgres-roles.js';

/**
 * `--database-url` with untrusted migrations, on the local PostgreSQL as a role with CREATEDB
 * only (the role the README tells users to create). Every hostile input ends with its expected
 * outcome, and after each: no file written, the role's settings as they were, a bystander session
 * of the same role still alive, no trace database or backend left, the process still here.
 */
const reachable = await postgresReachable();
if (!reachable) console.warn(`PostgreSQL at ${PG_URL} does not answer: the real-PostgreSQL hostile tests are skipped`);
const describeOnServer = reachable ? describe : describe.skip;

const ROLE = 'migration_review_hostile';
const limits = { statementMs: 1_500, totalMs: 20_000 };
const schema = { 'migrations/000001_init.up.sql': "CREATE TABLE imports (id bigint PRIMARY KEY, body text);\nINSERT INTO imports VALUES (1, 'a');" };
const UP = 'migrations/000002_hostile.up.sql';

let url: string;
const bystander = new Bystander(urlAs(ROLE));
beforeAll(async () => {
  if (reachable) url = await roleWith(ROLE);
});
beforeEach(async () => {
  if (reachable) await bystander.pid();
});
afterAll(() => bystander.end());

async function onServer(sql: string, options: { statementMs?: number } = {}): Promise<{ review: Review; seconds: number }> {
  const started = Date.now();
  const review = await reviewWithTrace({ ...schema, [UP]: sql }, [UP], {}, { databaseUrl: url, limits: { ...limits, ...options } });
  return { review, seconds: (Date.now() - started) / 1000 };
}

/** Nothing reached past the throwaway database. */
async function nothingEscaped(bystanderMustLive = true): Promise<void> {
  expect(existsSync(PWNED)).toBe(false);
  expect(await roleSettings(ROLE)).toEqual([]);
  expect(await leftoverDatabases()).toEqual([]);
  expect(await leftoverBackends()).toEqual([]);
  if (bystanderMustLive) expect(await bystander.alive()).toBe(true);
}

function expectOutcome(review: Review, input: HostileSql, seconds: number): void {
  const statements = review.trace!.files[0]!.statements;
  const notTraced = review.findings.filter((f) => f.rule === 'not-traced');
  if (input.outcome === 'refused') {
    expect(statements.map((s) => s.status)).toContain('refused');
    expect(notTraced.find((f) => f.status === 'FLAG' && input.reason!.test(f.message))).toBeDefined();
  } else if (input.outcome === 'stopped') {
    expect(statements.map((s) => s.status)).toContain('killed');
    expect(notTraced.map((f) => f.status)).toContain('BLOCK');
    expect(seconds).toBeLessThan(limits.statementMs / 1000 + 8);
  } else {
    expect(statements.map((s) => s.status)).not.toContain('refused');
    expect(statements.map((s) => s.status)).not.toContain('killed');
    expect(review.trace!.stopped).toBeUndefined();
    if (input.code) expect(statements.map((s) => s.code)).toContain(input.code);
  }
}

describeOnServer('hostile migrations on a real PostgreSQL, as a role with CREATEDB only', () => {
  it.each(HOSTILE_SQL.map((input) => [input.name, input] as const))('%s', async (_name, input) => {
    const sql = input.sql.replace(/\{bystander\}/g, String(await bystander.pid()));
    const { review, seconds } = await onServer(sql);
    expectOutcome(review, input, seconds);
    await nothingEscaped();
  });
});

describeOnServer('a failing statement in a transaction (issue 17, item 5)', () => {
  it('keeps its BLOCK: the aborted transaction is rolled back before anything else, as on PGlite', async () => {
    // The existing row breaks the constraint: 23514 inside the file's transaction.
    const sql = 'BEGIN;\nALTER TABLE imports ADD COLUMN note text;\nALTER TABLE imports ADD CONSTRAINT imports_id_negative CHECK (id < 0);\nCOMMIT;';
    const { review } = await onServer(sql);
    expect(review.trace!.files[0]!.statements[2]).toMatchObject({ status: 'error', code: '23514' });
    expect(review.findings.find((f) => f.rule === 'migration-fails-traced')).toMatchObject({ status: 'BLOCK', line: 3 });
    expect(review.findings.filter((f) => f.rule === 'not-traced')).toEqual([]);
    expect(review.trace!.stopped).toBeUndefined();
    const onPglite = await reviewWithTrace({ ...schema, [UP]: sql }, [UP], {}, { limits });
    const outcome = (r: Review): string[] => r.findings.map((f) => `${f.rule}:${f.status}:${f.line}`).sort();
    expect(outcome(review)).toEqual(outcome(onPglite));
    await nothingEscaped();
  });
});

describeOnServer('the server reads each statement as the review did (item 8)', () => {
  it('sends one statement at a time: the server itself refuses a second one', async () => {
    const executor = await openPostgres(url);
    try {
      await expect(executor.exec("SELECT 1; SELECT 'second'", 5_000)).rejects.toThrow(SqlError);
      await expect(executor.exec("SELECT 1; SELECT 'second'", 5_000)).rejects.toThrow(/cannot insert multiple commands/);
    } finally {
      await executor.close();
    }
    await nothingEscaped();
  });
  it('standard_conforming_strings turned off where the review cannot see it is turned back on before the next statement', async () => {
    // With it off, the server would read the string below as a call that ends the bystander.
    const pid = await bystander.pid();
    const { review } = await onServer(
      `DO $$ BEGIN EXECUTE 'SET standard_' || 'conforming_strings = off'; END $$;\nSELECT 'x\\'', pg_catalog.pg_terminate_backend(${pid}) --';`,
    );
    expect(review.trace!.files[0]!.statements.map((s) => s.status)).toEqual(['ok', 'ok']);
    await nothingEscaped();
  });
  it('a client encoding whose second byte can be a backslash (GBK) is set back to UTF8 before the next statement', async () => {
    const pid = await bystander.pid();
    const { review } = await onServer(`DO $$ BEGIN EXECUTE 'SET client_' || 'encoding = ''GBK'''; END $$;\nSELECT E'ぁ\\', pg_catalog.pg_terminate_backend(${pid}) --';`);
    expect(review.trace!.files[0]!.statements.map((s) => s.status)).toEqual(['ok', 'ok']);
    await nothingEscaped();
  });
});

describeOnServer('what a role can always do to itself (item 9)', () => {
  it('ALTER ROLE … SET built at run time is undone when the trace ends, and the next trace works', async () => {
    const { review } = await onServer("DO $$ BEGIN EXECUTE format('ALTER %s %I SET default_transaction_read_only = on', 'ROLE', current_user); END $$;");
    expect(review.trace!.files[0]!.statements[0]).toMatchObject({ status: 'ok' });
    expect(await roleSettings(ROLE)).toEqual([]);
    const next = await onServer('ALTER TABLE imports ADD COLUMN note text;');
    expect(next.review.trace!.files[0]!.statements[0]).toMatchObject({ status: 'ok' });
    await nothingEscaped();
  });
  it("a setting the DBA gave the role (a search_path list) comes back exactly as it was", async () => {
    await asSuperuser((client) => client.query(`ALTER ROLE ${ROLE} SET search_path = "$user", public, "odd name"`));
    const before = await roleSettings(ROLE);
    try {
      await onServer("DO $$ BEGIN EXECUTE format('ALTER %s %I SET search_path = elsewhere', 'ROLE', current_user); EXECUTE format('ALTER %s %I SET work_mem = %L', 'ROLE', current_user, '64kB'); END $$;");
      expect(await roleSettings(ROLE)).toEqual(before);
    } finally {
      await asSuperuser((client) => client.query(`ALTER ROLE ${ROLE} RESET ALL`));
    }
    await nothingEscaped();
  });
  it('terminating every other session of the role (the tool has no admin session to lose): the trace goes on and its database is dropped', async () => {
    await bystander.pid();
    const { review } = await onServer(
      "DO $$ BEGIN EXECUTE format('SELECT pg_%s_backend(pid) FROM pg_stat_activity WHERE usename = current_user AND pid <> pg_backend_pid()', 'terminate'); END $$;\nALTER TABLE imports ADD COLUMN note text;",
    );
    expect(review.trace!.files[0]!.statements.map((s) => s.status)).toEqual(['ok', 'ok']);
    // A session of the same role cannot be protected from it: the README says to give the trace a role of its own.
    expect(await bystander.alive()).toBe(false);
    await nothingEscaped(false);
  });
  it('terminating its own session: the trace engine failed (not the migration), and the database is dropped', async () => {
    const { review } = await onServer("DO $$ BEGIN EXECUTE format('SELECT pg_%s_backend(pg_backend_pid())', 'terminate'); END $$;");
    expect(review.trace!.files[0]!.statements[0]).toMatchObject({ status: 'skipped', stoppedBy: 'engine' });
    expect(review.findings.find((f) => f.rule === 'not-traced')).toMatchObject({ status: 'FLAG' });
    await nothingEscaped();
  });
});

describeOnServer('hangs (item 10)', () => {
  it('a loop that catches query_canceled is terminated by the hard stop, and its backend is gone', async () => {
    const { review, seconds } = await onServer('DO $$ BEGIN LOOP BEGIN PERFORM pg_sleep(0.5); EXCEPTION WHEN query_canceled THEN NULL; END; END LOOP; END $$;', { statementMs: 1_000 });
    expect(review.trace!.files[0]!.statements[0]).toMatchObject({ status: 'killed', stoppedBy: 'time' });
    expect(seconds).toBeLessThan(8);
    await nothingEscaped();
  }, 30_000);
  it('a role without CREATEDB: the command says so and exits', async () => {
    const noCreatedb = await roleWith('migration_review_nocreatedb', []);
    const root = await makeRepo({ ...schema, [UP]: 'CREATE INDEX idx_imports_body ON imports (body);' });
    const started = Date.now();
    const result = await promisify(execFile)('node', [join(REPO_ROOT, 'bin', 'migration-review.js'), 'check', join(root, UP), '--root', root, '--format', 'json', '--database-url', noCreatedb], {
      timeout: 60_000,
    }).catch((error: { code: number; stdout: string; killed?: boolean }) => error);
    expect((result as { killed?: boolean }).killed ?? false).toBe(false);
    expect(Date.now() - started).toBeLessThan(30_000);
    const review = JSON.parse(result.stdout) as Review;
    expect(review.findings.find((f) => f.rule === 'not-traced')!.message).toMatch(/cannot create databases:.*ALTER ROLE migration_review_nocreatedb CREATEDB/);
  }, 70_000);
});
