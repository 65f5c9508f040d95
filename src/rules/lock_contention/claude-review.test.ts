import { describe, expect, it } from '@jest/globals';
import type { Finding } from '../../core/types.js';
import { llmFindings } from '../../llm/merge.js';
import { resolveConfig } from '../../config/schema.js';
import { finalize } from '../../review/finalize.js';

// The case table of a rule raised by Claude: what its merge keeps and drops.
const rule: Finding = { rule: 'create-index-non-concurrently', category: 'lock_contention', categories: ['lock_contention'], status: 'BLOCK', file: 'm/2.up.sql', line: 1, message: 'CREATE INDEX …', recommendation: '…', pattern: 'create-index-concurrently', source: 'rule', acknowledged: null };
const files = [{ path: 'm/2.up.sql', framework: 'golang-migrate', inTransaction: true, reviewed: true }];
const context = { lines: new Map([['m/2.up.sql', 3]]), allowedLinks: ['https://github.com/acme/shop/'] };
const llm = (extra: Record<string, unknown>) => ({ category: 'foreign_keys' as const, status: 'FLAG' as const, file: 'm/2.up.sql', line: 2, title: 'Cascade may be unintended', message: 'Verify: deleting an order deletes its items.', recommendation: 'Use ON DELETE RESTRICT.', pattern: 'explicit-delete-behaviour', ...extra });
const reviewWith = (added: Finding[], config = resolveConfig({})) => finalize({ findings: [rule, ...added], files, acks: [], createdTables: [], skipped: [], postgres: 14 }, config);

describe('claude-review', () => {
  it('valid: a finding on a real line is added with source llm', () => {
    const { findings } = llmFindings({ verdict: 'BLOCK', justification: 'x'.repeat(10), findings: [llm({})] }, context);
    expect(findings).toHaveLength(1);
    const review = reviewWith(findings);
    expect(review.findings.find((f) => f.rule === 'claude-review')).toMatchObject({ source: 'llm', category: 'foreign_keys', status: 'FLAG', pattern: 'explicit-delete-behaviour' });
    expect(review.categories.foreign_keys).toBe('FLAG');
  });
  it('invalid: a line past the end of the file is dropped', () => {
    const { findings, dropped } = llmFindings({ verdict: 'BLOCK', justification: 'x'.repeat(10), findings: [llm({ line: 40 })] }, context);
    expect(dropped).toEqual(['m/2.up.sql:40 (the file has 3 lines)']);
    expect(reviewWith(findings).findings).toHaveLength(1);
  });
  it('the config level applies to its findings: off silences them, BLOCK raises them', () => {
    const { findings } = llmFindings({ verdict: 'BLOCK', justification: 'x'.repeat(10), findings: [llm({})] }, context);
    expect(reviewWith(findings, resolveConfig({ rules: { 'claude-review': 'off' } })).findings.map((f) => f.rule)).toEqual(['create-index-non-concurrently']);
    const raised = reviewWith(findings, resolveConfig({ rules: { 'claude-review': 'BLOCK' } }));
    expect(raised.findings.find((f) => f.rule === 'claude-review')?.status).toBe('BLOCK');
    expect(raised.categories.foreign_keys).toBe('BLOCK');
  });
});
