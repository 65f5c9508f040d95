import { beforeAll, describe, expect, it } from '@jest/globals';
import { resolveConfig, type RepoConfig } from '../../src/config/schema.js';
import { parseAcks } from '../../src/core/acks.js';
import type { Finding, MigrationFile } from '../../src/core/types.js';
import { finalize } from '../../src/review/finalize.js';
import { preparedOf, reviewDeterministic } from '../../src/review/pipeline.js';
import { findingOf } from '../../src/rules/finding.js';
import { TEST_CACHE_DIR } from '../rule-tester.js';
import { loadParser, parseSql } from '../../src/sql/parse.js';

/**
 * The one policy pass: `rules:` levels and `off`, and acks, apply to every finding whatever
 * raised it — a rule, the pipeline itself, the lock trace or Claude.
 */
const file = (path: string, sql: string, order: number, extra: Partial<MigrationFile> = {}): MigrationFile => ({
  path, framework: 'golang-migrate', version: String(order + 1), name: 'x', order, set: 'db', upSql: sql, upStartLine: 1, down: null, expectsDown: false, txMode: 'implicit', txReason: '', ...extra,
});
const HISTORY = file('db/1.up.sql', 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);', 0);

async function reviewOf(sql: string, config: RepoConfig, options: { modified?: boolean; trace?: boolean } = {}) {
  const change = file('db/2.up.sql', sql, 1);
  const prepared = preparedOf({ discovery: { migrations: [HISTORY, change], extras: [] }, change: new Set([change.path]), config: resolveConfig(config), modified: options.modified ? new Set([change.path]) : undefined });
  return (await reviewDeterministic(prepared, { trace: options.trace ?? false, traceOptions: { cacheDir: TEST_CACHE_DIR } })).review;
}
const rulesOf = (findings: Finding[]) => findings.map((f) => `${f.rule}:${f.status}${f.acknowledged ? ':acked' : ''}`);

beforeAll(() => loadParser());

describe('levels and off, for findings of every source', () => {
  it('modified-migration is a BLOCK, and `off` silences it', async () => {
    expect(rulesOf((await reviewOf('SELECT 1;', {}, { modified: true })).findings)).toEqual(['modified-migration:BLOCK']);
    expect((await reviewOf('SELECT 1;', { rules: { 'modified-migration': 'off' } }, { modified: true })).verdict).toBe('SAFE_TO_SHIP');
  });
  it('too-large-to-review: `off` silences it, a level changes it', async () => {
    const big = `${'-- filler\n'.repeat(40)}SELECT 1;`;
    const thresholds = { maxFileBytes: 100 };
    expect(rulesOf((await reviewOf(big, { thresholds })).findings)).toEqual(['too-large-to-review:FLAG']);
    expect((await reviewOf(big, { thresholds, rules: { 'too-large-to-review': 'off' } })).findings).toEqual([]);
    expect(rulesOf((await reviewOf(big, { thresholds, rules: { 'too-large-to-review': 'BLOCK' } })).findings)).toEqual(['too-large-to-review:BLOCK']);
  });
  it('syntax-error: `off` silences it', async () => {
    expect(rulesOf((await reviewOf('SELEC 1;', {})).findings)).toEqual(['syntax-error:FLAG']);
    expect((await reviewOf('SELEC 1;', { rules: { 'syntax-error': 'off' } })).findings).toEqual([]);
  });
  it("a trace finding: `off` silences it and an ack covers it, like a rule's", async () => {
    const refused = "COPY orders TO PROGRAM 'cat > /tmp/x';";
    expect(rulesOf((await reviewOf(refused, {}, { trace: true })).findings)).toEqual(['not-traced:FLAG']);
    expect((await reviewOf(refused, { rules: { 'not-traced': 'off' } }, { trace: true })).findings).toEqual([]);
    const acked = await reviewOf(`-- migration-review: ack not-traced "an export job owned by the data team"\n${refused}`, {}, { trace: true });
    expect(rulesOf(acked.findings)).toEqual(['not-traced:FLAG:acked']);
    expect(acked.verdict).toBe('SAFE_TO_SHIP');
  });
});

describe('acks over Claude findings', () => {
  const sql = 'ALTER TABLE order_items\n  ADD CONSTRAINT fk FOREIGN KEY (order_id)\n  REFERENCES orders (id) ON DELETE CASCADE;';
  const claude = (line: number) =>
    findingOf('claude-review', { messageId: 'finding', data: { title: 'Cascade', message: 'Verify: intended?', recommendation: 'RESTRICT.' }, file: 'db/2.up.sql', line, status: 'FLAG', source: 'llm', category: 'foreign_keys' });
  const draftWith = (text: string, findings: Finding[]) => ({
    findings,
    files: [{ path: 'db/2.up.sql', framework: 'golang-migrate', inTransaction: false, reviewed: true }],
    acks: [{ file: 'db/2.up.sql', ...parseAcks(text, 1, parseSql(text).statements) }],
    createdTables: [],
    skipped: [],
    postgres: 14,
  });
  it('an ack of claude-review covers a finding on any line of the statement below it', () => {
    const text = `-- migration-review: ack claude-review "the cascade is intended: items belong to their order"\n${sql}`;
    const review = finalize(draftWith(text, [claude(4)]), resolveConfig({}));
    expect(rulesOf(review.findings)).toEqual(['claude-review:FLAG:acked']);
    expect(review.categories.foreign_keys).toBe('PASS');
  });
  it('finalize leaves the draft as it was (the app finalizes it twice)', () => {
    const text = `-- migration-review: ack claude-review "intended"\n${sql}`;
    const draft = draftWith(text, [claude(2)]);
    finalize(draft, resolveConfig({ rules: { 'claude-review': 'BLOCK' } }));
    expect(draft.findings[0]).toMatchObject({ status: 'FLAG', acknowledged: null });
  });
  it('acking a BLOCK where the config does not allow it is itself a finding', () => {
    const text = `-- migration-review: ack claude-review "trust me"\n${sql}`;
    const review = finalize(draftWith(text, [{ ...claude(2), status: 'BLOCK' }]), resolveConfig({}));
    expect(rulesOf(review.findings)).toEqual(['claude-review:BLOCK', 'invalid-ack:FLAG']);
  });
});
