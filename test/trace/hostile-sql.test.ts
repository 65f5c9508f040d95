import { existsSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import type { Review } from '../../src/core/types.js';
import { reviewWithTrace } from './helpers.js';
import { HOSTILE_SQL, PWNED, type HostileSql } from './hostile-sql.js';

/**
 * The hostile SQL of hostile-sql.ts on the embedded PGlite: the same outcome as on a real server
 * (postgres-hostile.test.ts). The refused inputs run nothing, so they share one trace, a file
 * each; the others get a trace of their own.
 */
const limits = { statementMs: 1_500, totalMs: 30_000 };
const schema = { 'migrations/000001_init.up.sql': "CREATE TABLE imports (id bigint PRIMARY KEY, body text);\nINSERT INTO imports VALUES (1, 'a');" };
const onPglite = HOSTILE_SQL.filter((input) => input.only !== 'postgres');
const fileOf = (index: number): string => `migrations/${String(index + 2).padStart(6, '0')}_hostile.up.sql`;
const sqlOf = (input: HostileSql): string => input.sql.replace(/\{bystander\}/g, '0');

function outcomeOf(review: Review, file: string, input: HostileSql): void {
  const statuses = review.trace!.files.find((f) => f.path === file)!.statements.map((s) => s.status);
  const findings = review.findings.filter((f) => f.rule === 'not-traced' && f.file === file);
  if (input.outcome === 'refused') {
    expect(statuses).toContain('refused');
    expect(findings.find((f) => f.status === 'FLAG' && input.reason!.test(f.message))).toBeDefined();
  } else if (input.outcome === 'stopped') {
    expect(statuses).toContain('killed');
    expect(findings.map((f) => f.status)).toContain('BLOCK');
  } else {
    expect(statuses).not.toContain('refused');
    expect(statuses).not.toContain('killed');
  }
  expect(existsSync(PWNED)).toBe(false);
}

describe('hostile migrations on PGlite', () => {
  const refused = onPglite.filter((input) => input.outcome === 'refused');
  it(`${refused.length} inputs the sandbox refuses, each in a file of its own`, async () => {
    const files = Object.fromEntries(refused.map((input, i) => [fileOf(i), sqlOf(input)]));
    const review = await reviewWithTrace({ ...schema, ...files }, Object.keys(files), {}, { limits });
    refused.forEach((input, i) => outcomeOf(review, fileOf(i), input));
  });
  it.each(onPglite.filter((input) => input.outcome !== 'refused').map((input) => [input.name, input] as const))('%s', async (_name, input) => {
    const review = await reviewWithTrace({ ...schema, [fileOf(0)]: sqlOf(input) }, [fileOf(0)], {}, { limits });
    outcomeOf(review, fileOf(0), input);
  });
});
