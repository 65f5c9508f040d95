import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { runCheck } from '../../src/cli/check.js';
import { githubSource, type Octokit } from '../../src/github/source.js';
import { renderJson } from '../../src/render/json.js';
import { prepareChange, reviewDeterministic } from '../../src/review/pipeline.js';
import { loadParser } from '../../src/sql/parse.js';
import { fakeGitHub, TestOctokit } from '../github/fake-github.js';
import { makeRepo } from '../helpers.js';

/**
 * One pipeline, two sources: the same pull request read from a local checkout (`check --base`)
 * and through the GitHub API (the app's source, served by nock in the API's shapes) must give
 * byte-identical JSON. The repository exercises every step the sources feed: the config with
 * `code.include`/`code.exclude`, a modified migration, a comment-only edit, a removed file, acks,
 * and application code that decides an index drop.
 */
const exec = promisify(execFile);

const config = [
  'tables:',
  '  orders: { rows: 80000000, writesPerSecond: 300 }',
  'code:',
  '  include: ["app/**/*.ts", "lib/**/*.ts"]',
  '  exclude: ["app/generated/**"]',
  'rules:',
  '  missing-lock-timeout: off',
  '',
].join('\n');

const base: Record<string, string> = {
  '.github/migration-review.yml': config,
  'db/migrations/000001_init.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, status text, amount int);\nCREATE INDEX idx_orders_status ON orders (status);\nCREATE INDEX idx_orders_amount ON orders (amount);',
  'db/migrations/000001_init.down.sql': 'DROP TABLE orders;',
  'db/migrations/000002_customers.up.sql': 'CREATE TABLE customers (id bigint PRIMARY KEY);',
  'db/migrations/000002_customers.down.sql': 'DROP TABLE customers;',
  'db/migrations/000003_notes.up.sql': '-- notes\nCREATE TABLE notes (id bigint PRIMARY KEY);',
  'db/migrations/000003_notes.down.sql': 'DROP TABLE notes;',
  'app/orders.ts': "export const byStatus = (db: Db) => db.query('SELECT id FROM orders WHERE status = $1');",
  // Excluded by code.exclude: a query here must not count.
  'app/generated/amount.ts': "export const q = 'SELECT id FROM orders WHERE amount > 10';",
  // Not under code.include.
  'scripts/report.ts': "export const q = 'SELECT id FROM orders WHERE amount > 10';",
  'node_modules/pkg/index.ts': "export const q = 'SELECT id FROM orders WHERE status = 1';",
  'db/seeds/old.sql': 'SELECT 1;',
};

const head: Record<string, string> = {
  ...base,
  // Modified for real: databases that ran it will not run it again.
  'db/migrations/000002_customers.up.sql': 'CREATE TABLE customers (id bigint PRIMARY KEY, name text);',
  // Comment-only edit: not a modification of what runs.
  'db/migrations/000003_notes.up.sql': '-- notes, explained\nCREATE TABLE notes (id bigint PRIMARY KEY);',
  'db/migrations/000004_drop_indexes.up.sql': [
    '-- migration-review: ack drop-index-non-concurrently "orders_amount is tiny in every environment, checked 2026-11-01"',
    'DROP INDEX idx_orders_amount;',
    'DROP INDEX CONCURRENTLY idx_orders_status;',
  ].join('\n'),
  'db/migrations/000004_drop_indexes.down.sql': 'CREATE INDEX CONCURRENTLY idx_orders_status ON orders (status);\nCREATE INDEX CONCURRENTLY idx_orders_amount ON orders (amount);',
};
delete head['db/seeds/old.sql'];

const changed = {
  'db/migrations/000002_customers.up.sql': 'modified',
  'db/migrations/000003_notes.up.sql': 'modified',
  'db/migrations/000004_drop_indexes.up.sql': 'added',
  'db/migrations/000004_drop_indexes.down.sql': 'added',
  'db/seeds/old.sql': 'removed',
} as const;

async function localCheckout(): Promise<string> {
  const root = await makeRepo(base);
  const git = (...args: string[]) => exec('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: root });
  await git('init', '-q', '-b', 'main');
  await git('add', '-A');
  await git('commit', '-qm', 'base');
  await git('checkout', '-qb', 'pr');
  const { writeFile, rm, mkdir } = await import('node:fs/promises');
  const { dirname, join } = await import('node:path');
  for (const [path, text] of Object.entries(head)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  await rm(join(root, 'db/seeds/old.sql'));
  await git('add', '-A');
  await git('commit', '-qm', 'pr');
  return root;
}

beforeAll(async () => {
  await loadParser();
  nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());

describe('the same change through both sources', () => {
  it('local checkout (check --base) and the GitHub API give byte-identical JSON', async () => {
    const root = await localCheckout();
    const local = await runCheck({ paths: [], base: 'main', root, format: 'json', failOn: 'block', color: false, trace: false });

    const state = fakeGitHub({ files: head, changed, defaultBranch: { '.github/migration-review.yml': config } });
    state.commits.set(state.baseSha, base);
    const octokit = new TestOctokit({ auth: 'ghs_test' }) as unknown as Octokit;
    const source = githubSource(octokit, { owner: state.owner, repo: state.repo, number: state.pr }, { head: state.headSha, base: state.baseSha });
    const remote = renderJson((await reviewDeterministic(await prepareChange(source), { trace: false })).review);

    expect(remote).toBe(local.output);
    const review = JSON.parse(local.output) as { verdict: string; findings: { rule: string; status: string; file: string; acknowledged: unknown; message: string }[] };
    const rules = review.findings.map((f) => `${f.rule}:${f.status}:${f.file.split('/').pop()}${f.acknowledged ? ':acked' : ''}`);
    // The real edit is a BLOCK; the comment-only edit is not a finding.
    expect(rules).toContain('modified-migration:BLOCK:000002_customers.up.sql');
    expect(rules.filter((r) => r.includes('000003'))).toEqual([]);
    // code.include / code.exclude decide which queries count, in both sources.
    const dropStatus = review.findings.find((f) => f.rule === 'drop-index-used-by-code' && f.message.includes('idx_orders_status'));
    expect(dropStatus?.message).toContain('app/orders.ts');
    expect(review.findings.some((f) => f.message.includes('app/generated') || f.message.includes('scripts/report.ts') || f.message.includes('node_modules'))).toBe(false);
    // The ack covers its rule's finding on the statement below it.
    expect(rules).toContain('drop-index-non-concurrently:FLAG:000004_drop_indexes.up.sql:acked');
    // `off` in the config silences the rule.
    expect(rules.some((r) => r.startsWith('missing-lock-timeout'))).toBe(false);
  });
});
