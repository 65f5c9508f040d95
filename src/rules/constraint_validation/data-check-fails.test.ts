import { describe, expect, it } from '@jest/globals';
import { dataCheckFindings } from '../../runbook/runbook.js';

/**
 * data-check-fails is raised by `runbook --database-url`, not by SQL alone: its case table is the
 * step from a data check's count to the finding. test/runbook/probes.test.ts runs the checks on
 * PostgreSQL and shows the verdict following them.
 */
describe('data-check-fails', () => {
  const check = { file: 'm/2.up.sql', line: 3, table: 'members', kind: 'duplicates' as const, meaning: 'share their lower(email) with another row: the unique index build fails', sql: 'SELECT …' };
  it('a count above zero is a BLOCK naming the count and what fails', () => {
    const [finding] = dataCheckFindings([{ ...check, count: 1297 }]);
    expect(finding).toMatchObject({ rule: 'data-check-fails', status: 'BLOCK', file: 'm/2.up.sql', line: 3, table: 'members', category: 'constraint_validation' });
    expect(finding!.message).toBe('The data check on the database found 1,297 duplicate groups of members that share their lower(email) with another row: the unique index build fails.');
  });
  it('zero, or a check that could not run, is no finding', () => {
    expect(dataCheckFindings([{ ...check, count: 0 }, { ...check, count: null, error: 'timeout' }])).toEqual([]);
  });
});
