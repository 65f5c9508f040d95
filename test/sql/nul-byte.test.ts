import { describe, expect, it } from '@jest/globals';
import { runCheck } from '../../src/cli/check.js';
import { loadParser, parseSql } from '../../src/sql/parse.js';
import { makeRepo } from '../helpers.js';

/**
 * A NUL byte ends the string libpg-query parses (it takes a C string), and PostgreSQL rejects a
 * query string holding one. Before this was checked, everything after the NUL was silently left
 * out of the review: `SELECT 1;\0\nCREATE INDEX …` passed as SAFE TO SHIP.
 */
const HIDDEN_INDEX = 'SELECT 1;\0\nCREATE INDEX idx_b ON orders (amount);\n';

describe('a NUL byte in a migration', () => {
  it('is a parse problem at its line, and the statements after it are still parsed', async () => {
    await loadParser();
    const parsed = parseSql(`-- header\n${HIDDEN_INDEX}`, 10);
    expect(parsed.problems).toEqual([{ line: 11, message: expect.stringMatching(/^NUL byte/), invalidFile: true }]);
    expect(parsed.statements.map((s) => [s.type, s.line])).toEqual([
      ['SelectStmt', 11],
      ['IndexStmt', 12],
    ]);
  });

  it('keeps byte offsets true for goose chunks after the NUL', async () => {
    await loadParser();
    const text = 'SELECT 1;\0\nSELECT 2;\n';
    const second = Buffer.byteLength('SELECT 1;\0\n');
    const parsed = parseSql(text, 1, [
      { start: 0, end: second },
      { start: second, end: Buffer.byteLength(text) },
    ]);
    expect(parsed.statements.map((s) => s.text)).toEqual(['SELECT 1', 'SELECT 2']);
    expect(parsed.problems.map((p) => p.line)).toEqual([1]);
  });

  it('makes the review say the file is invalid, and still finds the index hidden behind it', async () => {
    const root = await makeRepo({
      'migrations/000001_init.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric);\n',
      'migrations/000002_nul.up.sql': `SELECT 2;\n${HIDDEN_INDEX}`,
    });
    const { review } = await runCheck({
      paths: ['migrations/000002_nul.up.sql'].map((p) => `${root}/${p}`),
      root,
      format: 'json',
      failOn: 'block',
      color: false,
      trace: false,
    });
    expect(review.verdict).toBe('BLOCK');
    expect(review.findings.find((f) => f.rule === 'syntax-error')).toMatchObject({ line: 2, status: 'BLOCK', message: expect.stringContaining('NUL byte') });
    expect(review.findings.find((f) => f.rule === 'create-index-non-concurrently')).toMatchObject({ line: 3 });
  });
});
