import { describe, expect, it } from '@jest/globals';
import { assemble } from '../../core/review.js';
import type { Finding } from '../../core/types.js';
import { mergeLlm } from '../../llm/merge.js';

// The case table of a rule raised by Claude: what its merge keeps and drops.
const rule: Finding = { rule: 'create-index-non-concurrently', category: 'lock_contention', status: 'BLOCK', file: 'm/2.up.sql', line: 1, message: 'CREATE INDEX …', recommendation: '…', pattern: 'create-index-concurrently', source: 'rule', acknowledged: null };
const base = assemble([rule], [{ path: 'm/2.up.sql', framework: 'golang-migrate', inTransaction: true, reviewed: true }], 14);
const context = { lines: new Map([['m/2.up.sql', 3]]), allowedLinks: ['https://github.com/acme/shop/'] };
const llm = (extra: Record<string, unknown>) => ({ category: 'foreign_keys' as const, status: 'FLAG' as const, file: 'm/2.up.sql', line: 2, title: 'Cascade may be unintended', message: 'Verify: deleting an order deletes its items.', recommendation: 'Use ON DELETE RESTRICT.', pattern: 'explicit-delete-behaviour', ...extra });

describe('claude-review', () => {
  it('valid: a finding on a real line is added with source llm', () => {
    const { review, added } = mergeLlm(base, { verdict: 'BLOCK', justification: 'x'.repeat(10), findings: [llm({})] }, context);
    expect(added).toBe(1);
    expect(review.findings.find((f) => f.rule === 'claude-review')).toMatchObject({ source: 'llm', category: 'foreign_keys', status: 'FLAG', pattern: 'explicit-delete-behaviour' });
    expect(review.categories.foreign_keys).toBe('FLAG');
  });
  it('invalid: a line past the end of the file is dropped', () => {
    const { review, dropped } = mergeLlm(base, { verdict: 'BLOCK', justification: 'x'.repeat(10), findings: [llm({ line: 40 })] }, context);
    expect(dropped).toEqual(['m/2.up.sql:40 (the file has 3 lines)']);
    expect(review.findings).toHaveLength(1);
  });
});
