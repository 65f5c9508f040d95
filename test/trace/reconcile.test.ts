import { describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../../src/config/schema.js';
import type { Finding } from '../../src/core/types.js';
import { finalize } from '../../src/review/finalize.js';
import { reconcile } from '../../src/trace/reconcile.js';
import type { StatementTrace, TraceResult } from '../../src/trace/trace.js';

/** The merge policy on its own: what the trace may confirm, drop, lower or add. */
const finding = (rule: string, status: 'FLAG' | 'BLOCK', extra: Partial<Finding> = {}): Finding => ({
  rule,
  category: 'lock_contention',
  categories: ['lock_contention'],
  status,
  file: 'm/2.up.sql',
  line: 1,
  message: 'ALTER COLUMN total TYPE (integer → bigint) rewrites all of orders',
  recommendation: '…',
  pattern: 'change-column-type',
  source: 'rule',
  acknowledged: null,
  table: 'orders',
  ...extra,
});
const statement = (extra: Partial<StatementTrace>): StatementTrace => ({ file: 'm/2.up.sql', line: 1, type: 'AlterTableStmt', sql: 'ALTER TABLE …', inTransaction: true, status: 'ok', locks: [], rewrites: [], ms: 1, traceMs: 2, ...extra });
const traceOf = (...statements: StatementTrace[]): TraceResult => ({
  engine: 'pglite',
  base: { migrations: 1, statements: 1, skipped: [], snapshot: 'cached', ms: 1 },
  files: [{ path: 'm/2.up.sql', txMode: 'per-file', statements }],
  ms: 1,
});
const config = resolveConfig({ tables: { orders: { rows: 80_000_000 } } });

describe('reconcile', () => {
  it("a Supabase platform schema the trace lacks is the trace's gap, noted, not the migration's finding", () => {
    const failed = statement({ type: 'CreatePolicyStmt', status: 'error', code: '3F000', reason: 'schema "auth" does not exist' });
    const supabase = { ...traceOf(failed), files: [{ path: 'm/2.up.sql', txMode: 'per-file' as const, framework: 'supabase', statements: [failed] }] };
    const result = reconcile([], supabase, config);
    expect(result.findings).toEqual([]);
    expect(result.notes).toEqual([expect.stringMatching(/^lock trace: m\/2.up.sql:1 uses a schema Supabase provides \(schema "auth" does not exist\)/)]);
    // Elsewhere, a missing object is still the author's to verify.
    expect(reconcile([], traceOf(failed), config).findings.map((f) => f.rule)).toEqual(['not-traced']);
  });
  it('drops a rewrite claim the trace disproves, and says why', () => {
    const result = reconcile([finding('alter-column-type-rewrite', 'BLOCK')], traceOf(statement({})), config);
    expect(result.findings).toEqual([]);
    expect(result.disproved).toEqual([{ rule: 'alter-column-type-rewrite', file: 'm/2.up.sql', line: 1, evidence: 'orders kept its storage (same relfilenode) — no rewrite' }]);
  });
  it('keeps a claim about a statement the trace could not run', () => {
    const result = reconcile([finding('alter-column-type-rewrite', 'BLOCK')], traceOf(statement({ status: 'refused', reason: 'not run in the trace: …' })), config);
    expect(result.findings.map((f) => f.rule)).toEqual(['alter-column-type-rewrite', 'not-traced']);
    expect(result.disproved).toEqual([]);
  });
  it('never lowers a finding it did not test: LLM and other-rule findings pass through untouched', () => {
    const llm = finding('llm-review', 'BLOCK', { source: 'llm' });
    const other = finding('drop-column', 'FLAG', { category: 'data_loss' });
    const result = reconcile([llm, other], traceOf(statement({})), config);
    expect(result.findings).toEqual([llm, other]);
  });
  it('a failure is credited to the rule that predicted it only with the matching SQLSTATE', () => {
    const predicted = reconcile([finding('concurrently-in-transaction', 'BLOCK')], traceOf(statement({ status: 'error', code: '25001', reason: 'cannot run inside a transaction block' })), config);
    expect(predicted.findings.map((f) => f.rule)).toEqual(['concurrently-in-transaction']);
    expect(predicted.findings[0]!.evidence).toMatch(/SQLSTATE 25001/);
    const other = reconcile([finding('narrowing-type-change', 'FLAG')], traceOf(statement({ status: 'error', code: '42804', reason: 'column cannot be cast automatically' })), config);
    expect(other.findings.map((f) => f.rule)).toEqual(['narrowing-type-change', 'migration-fails-traced']);
  });
  it('an unexplained rewrite of a big table is a BLOCK; of a small one, nothing', () => {
    const big = reconcile([], traceOf(statement({ rewrites: ['orders'] })), config);
    expect(big.findings).toEqual([expect.objectContaining({ rule: 'table-rewrite-traced', status: 'BLOCK', source: 'trace', table: 'orders' })]);
    const small = reconcile([], traceOf(statement({ rewrites: ['orders'] })), resolveConfig({ tables: { orders: { rows: 500 } } }));
    expect(small.findings).toEqual([]);
  });
  it('leaves rule levels to the policy pass, which applies them to trace findings too', () => {
    const finalized = (rules: Record<string, 'off' | 'FLAG'>) => {
      const sized = resolveConfig({ tables: { orders: { rows: 80_000_000 } }, rules });
      const { findings } = reconcile([], traceOf(statement({ rewrites: ['orders'] })), sized);
      expect(findings.map((f) => f.status)).toEqual(['BLOCK']);
      return finalize({ findings, files: [], acks: [], createdTables: [], skipped: [], postgres: 14 }, sized).findings;
    };
    expect(finalized({ 'table-rewrite-traced': 'off' })).toEqual([]);
    expect(finalized({ 'table-rewrite-traced': 'FLAG' })[0]!.status).toBe('FLAG');
  });
});

describe('reconcile with a trace that could not finish or cannot be trusted', () => {
  it('statements left untraced by the budget: one FLAG for the file, at the first, not a BLOCK', () => {
    const cut = (line: number): StatementTrace =>
      statement({ line, status: 'skipped', stoppedBy: 'budget', limit: '60000 ms', reason: "not traced: the trace's total budget (60000 ms) ran out" });
    const result = reconcile([finding('alter-column-type-rewrite', 'BLOCK', { line: 2 })], traceOf(statement({}), cut(2), cut(3)), config);
    expect(result.findings.map((f) => `${f.rule}:${f.status}:${f.line}`)).toEqual(['alter-column-type-rewrite:BLOCK:2', 'not-traced:FLAG:2']);
    expect(result.findings[1]!.message).toMatch(/from line 2 on, the trace was cut short by its own time budget \(60000 ms\)/);
  });
  it('an untrusted read-back disproves nothing and lowers nothing', () => {
    const untrusted = { untrusted: ['it changes search_path'] };
    const rewrite = reconcile([finding('alter-column-type-rewrite', 'BLOCK')], traceOf(statement(untrusted)), config);
    expect(rewrite.findings.map((f) => `${f.rule}:${f.status}`)).toEqual(['alter-column-type-rewrite:BLOCK']);
    expect(rewrite.disproved).toEqual([]);
    const utc = finding('alter-column-type-rewrite', 'BLOCK', { message: 'ALTER COLUMN at TYPE (timestamp → timestamptz) rewrites all of orders' });
    expect(reconcile([utc], traceOf(statement(untrusted)), config).findings[0]!.status).toBe('BLOCK');
  });
});

describe('reconcile: index rebuilds are not disproved by the table keeping its storage', () => {
  const utc = finding('alter-column-type-rewrite', 'BLOCK', { message: 'ALTER COLUMN at TYPE (timestamp → timestamptz) rewrites all of orders' });
  it('timestamp → timestamptz under UTC with an index on the column: the index got new storage, the BLOCK stands', () => {
    const [kept] = reconcile([utc], traceOf(statement({ rewrites: ['orders_at_idx'] })), config).findings;
    expect(kept).toMatchObject({ status: 'BLOCK', evidence: expect.stringContaining('orders_at_idx were rebuilt') });
  });
  it('without an index the same conversion is lowered to a Verify FLAG about the TimeZone', () => {
    expect(reconcile([utc], traceOf(statement({})), config).findings[0]!.status).toBe('FLAG');
  });
  it('a "does not rewrite, but rebuilds" finding is not a rewrite claim the trace could disprove', () => {
    const rebuild = finding('alter-column-type-rewrite', 'BLOCK', { message: 'ALTER COLUMN note TYPE (varchar(100) → varchar(200)) does not rewrite orders, but rebuilds its expression indexes (orders_lower_note_idx) under an ACCESS EXCLUSIVE lock' });
    const result = reconcile([rebuild], traceOf(statement({})), config);
    expect(result.disproved).toEqual([]);
    expect(result.findings.map((f) => f.status)).toEqual(['BLOCK']);
  });
});

describe('reconcile with an imperfect replay', () => {
  it('a failure is a Verify FLAG, not a BLOCK, when earlier statements could not be replayed', () => {
    const trace = traceOf(statement({ status: 'error', code: '2BP01', reason: 'cannot drop table traces because other objects depend on it' }));
    trace.base.skipped = [{ file: 'm/1.up.sql', line: 3, message: 'type "x" does not exist' }];
    const [finding] = reconcile([], trace, config).findings;
    expect(finding).toMatchObject({ rule: 'migration-fails-traced', status: 'FLAG' });
    expect(finding!.message).toMatch(/^Verify: it runs against the production schema \(1 earlier statement could not be replayed/);
  });
});
