import { describe, expect, it } from '@jest/globals';
import { reviewWithTrace } from './helpers.js';

/**
 * Issue #17 item 7, the second reproduction: a trigger that EXECUTEs a COPY … PROGRAM built at run
 * time (so no parser sees it) broke PGlite itself, and the report said "PostgreSQL rejects this
 * statement — Cannot read properties of undefined (reading 'locks')". The trace engine failing is
 * not PostgreSQL rejecting the migration: the statement is not traced, and the rules stand.
 */
const INIT = { 'migrations/000001_init.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, amount int);' };
const UP = 'migrations/000002_change.up.sql';
const TRIGGER_RUNS_PROGRAM = [
  'CREATE TABLE audit_log (id int);',
  "CREATE FUNCTION log_it() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'COPY (SELECT 1) TO PRO' || 'GRAM ''touch /tmp/migration-review-pwned'''; RETURN NEW; END $$;",
  'CREATE TRIGGER log_it BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION log_it();',
  'INSERT INTO audit_log VALUES (1);',
  'CREATE INDEX idx_orders_amount ON orders (amount);',
].join('\n');

describe('a trigger that runs a COPY … PROGRAM built at run time', () => {
  it('never says PostgreSQL rejects the migration for an engine failure, and keeps the static BLOCK', async () => {
    const review = await reviewWithTrace({ ...INIT, [UP]: TRIGGER_RUNS_PROGRAM }, [UP], { tables: { orders: { rows: 80_000_000 } } });
    const messages = review.findings.map((f) => f.message).join('\n');
    expect(messages).not.toMatch(/Cannot read properties|reading 'locks'/);
    expect(review.findings.find((f) => f.rule === 'create-index-non-concurrently')).toMatchObject({ status: 'BLOCK', line: 5 });
    const insert = review.trace!.files[0]!.statements.find((s) => s.line === 4)!;
    expect(insert).toMatchObject({ status: 'skipped', stoppedBy: 'engine' });
    expect(insert.reason).toMatch(/^not traced: the trace engine \(PGlite\) failed/);
    const traced = review.findings.filter((f) => f.source === 'trace');
    expect(traced.map((f) => `${f.rule}:${f.status}:${f.line}`)).toEqual(['not-traced:FLAG:4']);
    expect(traced[0]!.message).toMatch(/trace engine \(PGlite\) failed.*says nothing about the migration/);
    expect(traced[0]!.message).not.toMatch(/PostgreSQL rejects/);
  }, 120_000);
});
