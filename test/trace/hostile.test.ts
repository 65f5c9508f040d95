import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../../src/config/schema.js';
import { preparedOf, reviewDeterministic } from '../../src/review/pipeline.js';
import { renderText } from '../../src/render/text.js';
import { discover, listRepoFiles, repoFiles } from '../../src/discover/index.js';
import { TEST_CACHE_DIR } from '../rule-tester.js';
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
    expect(renderText(result, { color: false })).toContain("STOPPED: ran longer than 1500 ms (the trace's limit per statement)");
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
    const result = (await reviewDeterministic(preparedOf({ discovery, change, config }), { trace: true, traceOptions: { cacheDir: TEST_CACHE_DIR, limits } })).review;
    const finding = result.findings.find((f) => f.rule === 'syntax-error')!;
    expect(finding).toMatchObject({ line: 2, status: 'FLAG' });
    expect(finding.message).toMatch(/invalid UTF-8 byte sequence/);
    expect(result.trace!.files[0]!.skipped).toMatch(/line 2 does not parse/);
  });
});

/**
 * Memory: PGlite's heap and files are outside the worker's resourceLimits, so a statement could
 * grow them until the container is killed. Each limit below ends the statement with a BLOCK and
 * the process goes on serving.
 */
describe('hostile migrations: memory', () => {
  async function overMemory(sql: string, memoryMb: number) {
    const result = await reviewWithTrace({ ...schema, [UP]: sql }, [UP], {}, { limits: { statementMs: 15_000, totalMs: 30_000, memoryMb } });
    const statement = result.trace!.files[0]!.statements[0]!;
    expect(statement).toMatchObject({ status: 'killed', stoppedBy: 'memory', limit: `${memoryMb} MB` });
    const finding = result.findings.find((f) => f.rule === 'not-traced')!;
    expect(finding).toMatchObject({ status: 'BLOCK', line: 1 });
    expect(finding.message).toContain(`needed more than the trace's ${memoryMb} MB of memory`);
    expect(result.trace!.stopped).toContain(`${UP}:1, which needed more than the trace's ${memoryMb} MB of memory`);
    return statement;
  }
  it('a value near 1 GB: the WASM heap cannot grow past half the limit, and PostgreSQL reports out of memory at once', async () => {
    const statement = await overMemory("SELECT length(repeat('x', 900000000));", 1024);
    expect(statement.reason).toMatch(/out of memory/);
    expect(renderText(await reviewWithTrace({ ...schema, [UP]: "SELECT length(repeat('x', 900000000));" }, [UP]), { color: false })).toContain(
      "STOPPED: needed more than the trace's 1024 MB of memory (out of memory)",
    );
    expect(statement.ms).toBeLessThan(5_000);
    await nextReviewWorks();
  });
  it('a sort that spills past temp_file_limit (a quarter of the limit)', async () => {
    const statement = await overMemory('SELECT count(*) FROM (SELECT g FROM generate_series(1, 8000000) g ORDER BY g DESC) s;', 512);
    expect(statement.reason).toMatch(/temp_file_limit/);
    await nextReviewWorks();
  });
  it('tables that grow the in-memory files past the whole limit', async () => {
    const statement = await overMemory('CREATE TABLE filler AS SELECT g, repeat(md5(g::text), 8) AS h FROM generate_series(1, 300000) g;', 256);
    expect(statement.reason).toMatch(/the database grew past it/);
    await nextReviewWorks();
  });
  it('under the limit, the same kind of statement runs', async () => {
    const result = await reviewWithTrace(
      { ...schema, [UP]: 'CREATE TABLE filler AS SELECT g, repeat(md5(g::text), 4) AS h FROM generate_series(1, 20000) g;' },
      [UP],
      {},
      { limits: { memoryMb: 256 } },
    );
    expect(result.trace!.files[0]!.statements[0]).toMatchObject({ status: 'ok' });
  });
});
