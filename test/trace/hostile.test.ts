import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../../src/config/schema.js';
import { review } from '../../src/core/review.js';
import { discover, listRepoFiles, repoFiles } from '../../src/discover/index.js';
import { TEST_CACHE_DIR } from '../../src/rules/tester.js';
import { traceReview } from '../../src/trace/index.js';
import { makeRepo } from '../helpers.js';
import { reviewWithTrace } from './helpers.js';

/**
 * Migration SQL is untrusted. Each hostile input ends within its limit with a clear finding, and
 * the next review still works (a killed statement takes its worker with it; the next trace
 * starts a new one).
 */
const limits = { statementMs: 1_500, totalMs: 20_000 };
const schema = { 'migrations/000001_init.up.sql': 'CREATE TABLE imports (id bigint PRIMARY KEY, body text);' };
const UP = 'migrations/000002_hostile.up.sql';

async function hostile(sql: string, extra: Record<string, string> = {}) {
  const started = Date.now();
  const result = await reviewWithTrace({ ...schema, ...extra, [UP]: sql }, [UP], {}, { limits });
  return { result, seconds: (Date.now() - started) / 1000, rules: result.findings.map((f) => `${f.rule}:${f.status}`) };
}

async function nextReviewWorks(): Promise<void> {
  const { result } = await hostile('ALTER TABLE imports ADD COLUMN note text;');
  expect(result.trace!.files[0]!.statements[0]).toMatchObject({ status: 'ok' });
}

describe('hostile migrations', () => {
  it('COPY … PROGRAM is refused before anything runs', async () => {
    const { rules, result } = await hostile("COPY imports FROM PROGRAM 'curl -s http://169.254.169.254/latest/meta-data/';");
    expect(rules).toContain('not-traced:FLAG');
    expect(result.trace!.files[0]!.statements[0]).toMatchObject({ status: 'refused' });
    await nextReviewWorks();
  });
  it('pg_read_file is refused', async () => {
    const { result } = await hostile("SELECT pg_read_file('/etc/passwd');");
    expect(result.findings.find((f) => f.rule === 'not-traced')!.message).toMatch(/pg_read_file\(\) reads a file on the database server/);
  });
  it('pg_sleep(1e6) is refused', async () => {
    const { result, seconds } = await hostile('SELECT pg_sleep(1e6);');
    expect(result.trace!.files[0]!.statements[0]!.status).toBe('refused');
    expect(seconds).toBeLessThan(limits.totalMs / 1000);
  });
  it('an endless DO loop is stopped at the statement limit, as a BLOCK', async () => {
    const { result, rules } = await hostile('DO $$ BEGIN LOOP END LOOP; END $$;');
    expect(result.trace!.files[0]!.statements[0]).toMatchObject({ status: 'killed' });
    expect(rules).toContain('not-traced:BLOCK');
    expect(result.trace!.stopped).toMatch(/ran longer than 1500 ms/);
    await nextReviewWorks();
  });
  it('generate_series(1, 1e10) is stopped too', async () => {
    const { result } = await hostile('INSERT INTO imports SELECT g, g::text FROM generate_series(1, 1e10) g;');
    expect(result.trace!.files[0]!.statements[0]!.status).toBe('killed');
    await nextReviewWorks();
  });
  it('a 50 MB file is neither parsed nor traced: one FLAG', async () => {
    const row = "INSERT INTO imports VALUES (1, 'a row of a data dump posing as a migration, repeated');\n";
    const { rules, result } = await hostile(row.repeat(Math.ceil((50 * 1024 * 1024) / row.length)));
    expect(rules).toEqual(['too-large-to-review:FLAG']);
    expect(result.trace!.files[0]!.skipped).toMatch(/over the trace's 1\.0 MB limit/);
  });
  it('10,000 nested parentheses: a syntax error, nothing traced', async () => {
    const { rules, result } = await hostile(`SELECT ${'('.repeat(10_000)}1${')'.repeat(10_000)};`);
    expect(rules).toContain('syntax-error:FLAG');
    expect(result.trace!.files[0]!.skipped).toMatch(/does not parse/);
    await nextReviewWorks();
  });
  it('invalid UTF-8 is reported at its line', async () => {
    // Raw bytes on disk, as a badly saved file has them: 0xff 0xfe are never valid UTF-8.
    const root = await makeRepo(schema);
    await writeFile(join(root, UP), Buffer.concat([Buffer.from("SELECT 1;\nSELECT '"), Buffer.from([0xff, 0xfe]), Buffer.from("';\n")]));
    const discovery = await discover(repoFiles(root, await listRepoFiles(root)), {});
    const config = resolveConfig({});
    const change = new Set([UP]);
    const result = await traceReview(await review({ discovery, change, config }), { discovery, change, config }, { cacheDir: TEST_CACHE_DIR, limits });
    const finding = result.findings.find((f) => f.rule === 'syntax-error')!;
    expect(finding).toMatchObject({ line: 2, status: 'FLAG' });
    expect(finding.message).toMatch(/invalid UTF-8 byte sequence/);
    expect(result.trace!.files[0]!.skipped).toMatch(/line 2 does not parse/);
  });
});
