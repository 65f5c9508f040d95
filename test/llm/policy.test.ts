import { beforeAll, describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../../src/config/schema.js';
import type { Finding } from '../../src/core/types.js';
import type { ClaudeProposal } from '../../src/llm/merge.js';
import { applyClaudePolicy, loadPolicy, parsePolicy, type ClaudePolicyContext } from '../../src/llm/policy.js';
import { findingOf } from '../../src/rules/finding.js';
import { loadParser } from '../../src/sql/parse.js';

/**
 * applyClaudePolicy as a pure function, for the edges the recorded-answer tests in claude.test.ts
 * do not reach: the document it reads, the exemptions, and the boundaries.
 */
const FILE = 'db/2.up.sql';
const claude = (extra: Partial<Finding> & { policy?: string | null } = {}): ClaudeProposal => {
  const { policy = null, ...fields } = extra;
  const finding = findingOf('claude-review', {
    messageId: 'finding',
    data: { title: 'A concern', message: 'Something a reviewer would raise.', recommendation: 'Do it the safe way.' },
    file: FILE,
    line: 1,
    status: 'FLAG',
    source: 'llm',
    category: 'lock_contention',
    table: 'orders',
  });
  return { finding: { ...finding, ...fields }, policy };
};
const context = (extra: Partial<ClaudePolicyContext> = {}): ClaudePolicyContext => ({
  existing: [],
  createdTables: ['audit.order_notes'],
  config: resolveConfig({ tables: { orders: { rows: 80_000_000 }, countries: { rows: 10_000 }, regions: { rows: 10_001 } } }),
  policy: loadPolicy(),
  // Line 1: a statement; line 2: a comment; lines 3–5: one statement.
  statements: new Map([[FILE, [{ line: 1, endLine: 1 }, { line: 3, endLine: 5 }]]]),
  ...extra,
});
const keptOf = (proposals: ClaudeProposal[], ctx = context()) => applyClaudePolicy(proposals, ctx).kept.map((f) => `${f.category}:${f.status}:${f.table ?? '-'}`);

beforeAll(() => loadParser());

describe('docs/judgment.md as the merge reads it', () => {
  it('every principle and category line has an id and what it decides', () => {
    const { lines } = loadPolicy();
    const ids = [...lines.values()].map((l) => l.id);
    expect(ids.filter((id) => /^P\d/.test(id))).toEqual(['P1-size', 'P2-new-is-empty', 'P3-every-category', 'P4-code-decides', 'P5-runner-transaction', 'P6-deploy-fails', 'P7-lock-timeout']);
    // One prefix per category, each with at least one line that decides BLOCK.
    for (const prefix of ['LC', 'CW', 'RB', 'DL', 'RL', 'CV', 'IX', 'FK']) {
      expect([...lines.values()].some((l) => l.id.startsWith(`${prefix}-`) && l.decides.has('BLOCK'))).toBe(true);
    }
    expect([...lines.get('lc-1')!.decides]).toEqual(['BLOCK']);
    expect([...lines.get('p2-new-is-empty')!.decides]).toEqual(['PASS', 'FLAG']);
    expect(lines.get('p3-every-category')!.decides.size).toBe(0);
  });
  it('refuses a document without an id the merge relies on, or with an id twice', () => {
    const text = loadPolicy().text;
    expect(() => parsePolicy(text.replace('**FK-2** (FLAG)', '**FK-9** (FLAG)'))).toThrow(/relies on policy id FK-2/);
    expect(() => parsePolicy(`${text}\n- **LC-1** (BLOCK) again\n`)).toThrow(/LC-1 is defined twice/);
  });
});

describe('applyClaudePolicy', () => {
  it('small means at or under thresholds.smallTableRows: 10,000 rows is dropped, 10,001 kept', () => {
    expect(keptOf([claude({ table: 'countries' }), claude({ table: 'regions' }), claude({ table: 'public.countries', category: 'replication_lag' })])).toEqual(['lock_contention:FLAG:regions']);
  });
  it('a deploy that fails is kept on new and small tables alike (P6-deploy-fails)', () => {
    const blocks = [claude({ table: 'audit.order_notes', status: 'BLOCK', policy: 'P6-deploy-fails' }), claude({ table: 'countries', status: 'BLOCK', policy: 'p6-deploy-fails' })];
    expect(keptOf(blocks)).toEqual(['lock_contention:BLOCK:audit.order_notes', 'lock_contention:BLOCK:countries']);
  });
  it('a new table is recognised quoted or not; missing_rollback and json-column findings on it stay', () => {
    const proposals = [
      claude({ table: '"audit"."order_notes"' }),
      claude({ table: 'AUDIT.ORDER_NOTES', category: 'missing_rollback' }),
      claude({ table: 'audit.order_notes', category: 'concurrent_write_hazards', policy: 'CW-6' }),
    ];
    expect(keptOf(proposals)).toEqual(['missing_rollback:FLAG:AUDIT.ORDER_NOTES', 'concurrent_write_hazards:FLAG:audit.order_notes']);
  });
  it('the table comes from the answer, not from names in the text: a finding about orders that mentions the new table stays', () => {
    const aboutParent = claude({ table: 'orders', message: 'The FK from the new audit.order_notes takes SHARE ROW EXCLUSIVE on orders.' });
    const noTable = claude({ table: undefined, message: 'audit.order_notes is created without a primary key.' });
    expect(keptOf([aboutParent, noTable])).toEqual(['lock_contention:FLAG:orders', 'lock_contention:FLAG:-']);
  });
  it('a repeat is one at the same status or below; a cited BLOCK over a rule FLAG raises the category and stays', () => {
    const rule = (status: 'FLAG' | 'BLOCK', line: number): Finding => ({ ...claude().finding, rule: 'some-rule', source: 'rule', status, line });
    const ctx = context({ existing: [rule('FLAG', 3)] });
    expect(keptOf([claude({ line: 5 }), claude({ line: 4, status: 'BLOCK', policy: 'LC-1' }), claude({ line: 4, category: 'data_loss' })], ctx)).toEqual(['lock_contention:BLOCK:orders', 'data_loss:FLAG:orders']);
    // An uncited BLOCK is a FLAG first, and then a repeat.
    expect(keptOf([claude({ line: 4, status: 'BLOCK' })], ctx)).toEqual([]);
    expect(keptOf([claude({ line: 3, status: 'BLOCK', policy: 'LC-1' })], context({ existing: [rule('BLOCK', 3)] }))).toEqual([]);
  });
  it("leaves the proposals and the other sources' findings as they were", () => {
    const proposal = claude({ status: 'BLOCK', line: 2, policy: 'LC-1' });
    const existing = [{ ...claude().finding, rule: 'some-rule', source: 'rule' as const, line: 3 }];
    const { kept, notes } = applyClaudePolicy([proposal], context({ existing }));
    expect(kept).toEqual([expect.objectContaining({ status: 'FLAG', line: 2 })]);
    expect(notes).toEqual([`Claude review: 1 BLOCK counted as FLAG: ${FILE}:2 (a BLOCK must cite a statement; line 2 is not on one)`]);
    expect(proposal.finding.status).toBe('BLOCK');
    expect(existing[0]!.status).toBe('FLAG');
  });
});
