import { describe, expect, it } from '@jest/globals';
import rule from './modified-migration.js';

// Raised by the CLI from git history; end-to-end coverage is in test/cli/check-base.test.ts.
describe('modified-migration', () => {
  it('renders its message', () => {
    expect(rule.render('modified', { file: 'db/migrations/1_a.up.sql' }).message).toContain('already exists on the base branch');
  });
});
