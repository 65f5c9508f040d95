import { describe, expect, it } from '@jest/globals';
import rule from './unreviewable-symlink.js';

// Raised by the pipeline from the repository's links, not from SQL: the end-to-end cases (a real
// git checkout, and the GitHub API's shapes) are in test/review/symlinks.test.ts.
describe('unreviewable-symlink', () => {
  it('names the file and the target in each message', () => {
    for (const messageId of ['outside', 'absolute', 'dangling', 'loop', 'skipped'] as const) {
      const { message, recommendation } = rule.render(messageId, { file: 'migrations/003_x.up.sql', target: '../../x.sql' });
      expect(message).toMatch(/^migrations\/003_x\.up\.sql is a symbolic link/);
      expect(message).toContain('../../x.sql');
      expect(recommendation.length).toBeGreaterThan(20);
    }
  });
});
