import { reviewOutputSchema } from '../../src/render/review-schema.js';
import { execFile } from 'node:child_process';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from '@jest/globals';
import type { Review } from '../../src/core/types.js';
import { makeRepo, REPO_ROOT } from '../helpers.js';
import { indexFinding, submitReviewMessage } from '../llm/messages-api.js';

/** End to end through the built command line (`npm ci` builds it), as a user runs it. */
const exec = promisify(execFile);
const BIN = join(REPO_ROOT, 'bin', 'migration-review.js');
const SHOP = join(REPO_ROOT, 'examples', 'shop');

async function cli(args: string[], cwd = REPO_ROOT, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec('node', [BIN, ...args], { cwd, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The JSON output, checked against the contract's schema (docs/review.schema.json). */
const reviewOf = (stdout: string): Review => reviewOutputSchema.parse(JSON.parse(stdout)) as unknown as Review;
const m = (name: string): string => join(SHOP, 'db', 'migrations', name);

describe('migration-review check: the seed incidents', () => {
  it('80M-row orders index → BLOCK in lock_contention, exit 1', async () => {
    const { code, stdout } = await cli(['check', m('000002_orders_status_index.up.sql'), '--root', SHOP, '--format', 'json']);
    const review = reviewOf(stdout);
    expect(code).toBe(1);
    expect(review.verdict).toBe('BLOCK');
    expect(review.categories.lock_contention).toBe('BLOCK');
    const finding = review.findings.find((f) => f.rule === 'create-index-non-concurrently')!;
    expect(finding).toMatchObject({ file: 'db/migrations/000002_orders_status_index.up.sql', line: 1, status: 'BLOCK', source: 'rule', pattern: 'create-index-concurrently', acknowledged: null });
    expect(finding.message).toMatch(/orders \(80M rows\).*~25 min/);
    expect(Object.keys(review.categories)).toHaveLength(8);
    expect(review.schemaVersion).toBe(1);
    expect(review.files).toEqual([expect.objectContaining({ path: 'db/migrations/000002_orders_status_index.up.sql', framework: 'golang-migrate', inTransaction: false })]);
  });

  it('ON DELETE CASCADE → FLAG in foreign_keys', async () => {
    const { stdout } = await cli(['check', m('000003_order_items_fk.up.sql'), '--root', SHOP, '--format', 'json']);
    const review = reviewOf(stdout);
    const cascade = review.findings.find((f) => f.rule === 'on-delete-cascade')!;
    expect(cascade).toMatchObject({ category: 'foreign_keys', status: 'FLAG', line: 1 });
    expect(cascade.message).toMatch(/^Verify: the cascade is intended/);
  });

  it('23M-row legacy_records UPDATE → BLOCK', async () => {
    const { code, stdout } = await cli(['check', m('000004_backfill_tenant.up.sql'), '--root', SHOP, '--format', 'json']);
    const review = reviewOf(stdout);
    expect(code).toBe(1);
    expect(review.findings.find((f) => f.rule === 'unbatched-backfill')).toMatchObject({ category: 'concurrent_write_hazards', status: 'BLOCK' });
    expect(review.justification).toMatch(/^Do not ship: /);
  });

  it('prints the seed table in text, and the PR comment in markdown', async () => {
    const text = await cli(['check', m('000002_orders_status_index.up.sql'), '--root', SHOP]);
    expect(text.stdout).toMatch(/\| Category +\| Status \| Issue +\| Recommended Action +\|/);
    expect(text.stdout).toMatch(/BLOCK db\/migrations\/000002_orders_status_index.up.sql:1/);
    expect(text.stdout).toMatch(/Verdict: BLOCK — /);
    const md = await cli(['check', m('000002_orders_status_index.up.sql'), '--root', SHOP, '--format', 'markdown']);
    expect(md.stdout).toContain('<!-- migration-review -->');
    expect(md.stdout).toContain('| Lock Contention | ⛔ BLOCK |');
    expect(md.stdout.includes('\u001b[')).toBe(false);
    // Each finding links its rule docs and its safe pattern (repository-relative without docsUrl).
    expect(md.stdout).toContain('[safe pattern: create-index-concurrently](patterns/create-index-concurrently.md)');
    expect(md.stdout).toContain('[rule docs](docs/rules/create-index-non-concurrently.md)');
  });

  it('links to a published docs site when the config names one', async () => {
    const root = await makeRepo({
      'db/migrations/000001_init.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);',
      'db/migrations/000002_idx.up.sql': 'CREATE INDEX idx_orders_status ON orders (status);',
      '.github/migration-review.yml': 'tables:\n  orders: { rows: 80000000 }\ndocsUrl: https://docs.example.com/mr\n',
    });
    const md = await cli(['check', join(root, 'db/migrations/000002_idx.up.sql'), '--root', root, '--format', 'markdown']);
    expect(md.stdout).toContain('(https://docs.example.com/mr/patterns/create-index-concurrently.md)');
    const bad = await makeRepo({ '.github/migration-review.yml': 'docsUrl: javascript:alert(1)\n', 'm/000001_a.up.sql': 'SELECT 1;' });
    const refused = await cli(['check', '--root', bad]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/docsUrl/);
  });

  it('patterns: lists the library and prints one pattern', async () => {
    const list = await cli(['patterns']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^add-not-null-column +Add a NOT NULL column to a big table$/m);
    const one = await cli(['patterns', 'add-not-null-column']);
    expect(one.stdout).toContain('Answers: add-column-not-null-without-default');
    expect(one.stdout).toContain('VALIDATE CONSTRAINT users_email_normalized_not_null');
    expect(one.stdout).not.toMatch(/```sql good/);
    const json = JSON.parse((await cli(['patterns', '--json'])).stdout) as { id: string }[];
    expect(json.length).toBeGreaterThanOrEqual(18);
    const unknown = await cli(['patterns', 'lock']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean lock-timeout');
  });

  it('the safe rewrite passes, and an ack silences a FLAG', async () => {
    const root = await makeRepo({
      'db/migrations/000001_init.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nCREATE TABLE order_notes (id bigint PRIMARY KEY, order_id bigint);\nCREATE INDEX idx_notes_order ON order_notes (order_id);',
      'db/migrations/000001_init.down.sql': 'DROP TABLE order_notes;\nDROP TABLE orders;',
      'db/migrations/000002_idx.up.sql': 'CREATE INDEX CONCURRENTLY idx_orders_status ON orders (status);\n',
      // golang-migrate sends a file as one query string: with a second statement, CONCURRENTLY fails.
      'db/migrations/000004_idx.up.sql': "SET lock_timeout = '3s';\nCREATE INDEX CONCURRENTLY idx_orders_id ON orders (id);\n",
      'db/migrations/000004_idx.down.sql': 'DROP INDEX CONCURRENTLY idx_orders_id;',
      'db/migrations/000002_idx.down.sql': 'DROP INDEX CONCURRENTLY idx_orders_status;',
      // A cascade added to an existing relationship is a FLAG (verify intent); the ack answers it.
      'db/migrations/000003_fk.up.sql': '-- migration-review: ack on-delete-cascade "notes are owned by their order"\nALTER TABLE order_notes ADD CONSTRAINT order_notes_order_fk FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE NOT VALID;\n',
      'db/migrations/000003_fk.down.sql': 'ALTER TABLE order_notes DROP CONSTRAINT order_notes_order_fk;',
      '.github/migration-review.yml': 'tables:\n  orders: { rows: 80000000 }\n',
    });
    const safe = await cli(['check', 'db/migrations/000002_idx.up.sql', '--format', 'json'], root);
    expect(JSON.parse(safe.stdout).verdict).toBe('SAFE_TO_SHIP');
    expect(safe.code).toBe(0);
    const mixed = JSON.parse((await cli(['check', 'db/migrations/000004_idx.up.sql', '--format', 'json'], root)).stdout) as Review;
    expect(mixed.findings.find((f) => f.rule === 'concurrently-in-transaction')).toMatchObject({ status: 'BLOCK', line: 2 });
    const acked = JSON.parse((await cli(['check', 'db/migrations/000003_fk.up.sql', '--format', 'json', '--root', root], root)).stdout) as Review;
    expect(acked.findings.find((f) => f.rule === 'on-delete-cascade')?.acknowledged).toMatchObject({ reason: 'notes are owned by their order', line: 1 });
    expect(acked.categories.foreign_keys).toBe('PASS');
  });

  it('--fail-on flag exits 1 on FLAG; usage and config errors exit 2 with file and line', async () => {
    const root = await makeRepo({ 'db/migrations/000001_a.up.sql': 'ALTER TABLE users DROP COLUMN legacy;' });
    expect((await cli(['check', '--root', root])).code).toBe(0);
    expect((await cli(['check', '--root', root, '--fail-on', 'flag'])).code).toBe(1);
    const missing = await cli(['check', 'nope.sql', '--root', root], root);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.sql: no such file');
    // A path through a file (ENOTDIR) is a missing file too, not an internal error.
    const throughFile = await cli(['check', 'db/migrations/000001_a.up.sql/migration.sql', '--root', root], root);
    expect(throughFile.code).toBe(2);
    expect(throughFile.stderr).toContain('db/migrations/000001_a.up.sql/migration.sql: no such file');
    await writeFile(join(root, 'bad.yml'), 'postgres: 15\ntables:\n  orders: { rows: "80M" }\nrulez: {}\n');
    const bad = await cli(['check', '--root', root, '--config', join(root, 'bad.yml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yml:3: tables\.orders\.rows: /);
    expect((await cli(['check', '--format', 'xml', '--root', root])).code).toBe(2);
  });

  it('a directory or paths with no migration in them are an error (exit 2), never a pass', async () => {
    const root = await makeRepo({ 'src/app.ts': 'export {};', 'docs/readme.md': '# x', 'db/migrations/000001_a.up.sql': 'SELECT 1;' });
    const emptyRepo = await makeRepo({ 'src/app.ts': 'export {};' });
    const noneAtAll = await cli(['check', emptyRepo]);
    expect(noneAtAll.code).toBe(2);
    expect(noneAtAll.stderr).toContain(`no migration files found in ${emptyRepo}`);
    const wrongFolder = await cli(['check', 'docs', '--root', root], root);
    expect(wrongFolder.code).toBe(2);
    expect(wrongFolder.stderr).toContain('no migration files found in docs');
    const notSql = await cli(['check', 'src/app.ts', '--root', root], root);
    expect(notSql.code).toBe(2);
  });

  it('reviews a whole repository when given one directory', async () => {
    const { stdout } = await cli(['check', SHOP, '--format', 'json']);
    const review = reviewOf(stdout);
    expect(review.files.map((f) => f.path)).toContain('db/migrations/000001_create_orders.up.sql');
    expect(review.verdict).toBe('BLOCK');
  });
});

describe('migration-review check --base', () => {
  it('reviews only what changed since the ref, and flags an edited merged migration', async () => {
    const root = await makeRepo({});
    await cp(join(SHOP, 'db'), join(root, 'db'), { recursive: true });
    await cp(join(SHOP, '.github'), join(root, '.github'), { recursive: true });
    const git = (...args: string[]) => exec('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: root });
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('commit', '-qm', 'base');
    await git('checkout', '-qb', 'feature');
    await writeFile(join(root, 'db/migrations/000005_note.up.sql'), "SET lock_timeout = '3s';\nALTER TABLE orders ADD COLUMN note text;\n");
    await writeFile(join(root, 'db/migrations/000005_note.down.sql'), 'ALTER TABLE orders DROP COLUMN note;\n');
    await writeFile(join(root, 'db/migrations/000002_orders_status_index.up.sql'), 'CREATE INDEX CONCURRENTLY idx_orders_status ON orders(status);\n');
    const { stdout } = await cli(['check', '--base', 'main', '--format', 'json'], root);
    const review = reviewOf(stdout);
    expect(review.files.map((f) => f.path).sort()).toEqual(['db/migrations/000002_orders_status_index.up.sql', 'db/migrations/000005_note.up.sql']);
    expect(review.findings.find((f) => f.rule === 'modified-migration')).toMatchObject({ file: 'db/migrations/000002_orders_status_index.up.sql', category: 'missing_rollback' });
    const bad = await cli(['check', '--base', 'no-such-branch'], root);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--base no-such-branch');
  });
});

describe('migration-review rules', () => {
  it('lists every rule with its docs page', async () => {
    const { stdout, code } = await cli(['rules', '--json']);
    expect(code).toBe(0);
    const rules = JSON.parse(stdout) as { id: string; docs: string }[];
    expect(rules.length).toBeGreaterThanOrEqual(30);
    expect(rules.every((r) => r.docs === `docs/rules/${r.id}.md`)).toBe(true);
  });
});

describe('migration-review check: the lock trace', () => {
  const files = {
    'db/migrations/000001_init.up.sql': "CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nINSERT INTO orders VALUES (1, 'new');",
    'db/migrations/000002_idx.up.sql': 'CREATE INDEX idx_orders_status ON orders (status);',
    '.github/migration-review.yml': 'tables:\n  orders: { rows: 80000000 }\n',
  };
  const json = async (args: string[]): Promise<{ code: number; review: Review & { trace?: { engine: string; files: { statements: { locks: { mode: string }[] }[] }[] } } }> => {
    const root = await makeRepo(files);
    const result = await cli(['check', join(root, 'db/migrations/000002_idx.up.sql'), '--root', root, '--format', 'json', ...args]);
    return { code: result.code, review: JSON.parse(result.stdout) };
  };

  it('runs by default on a change, in PGlite, and confirms the rule with the lock it saw', async () => {
    const { review } = await json([]);
    expect(review.trace!.engine).toBe('pglite');
    expect(review.trace!.files[0]!.statements[0]!.locks[0]!.mode).toBe('ShareLock');
    expect(review.findings.find((f) => f.rule === 'create-index-non-concurrently')!.evidence).toBe('ShareLock on orders');
  });
  it('--no-trace keeps to the static rules', async () => {
    const { review } = await json(['--no-trace']);
    expect(review.trace).toBeUndefined();
    expect(review.skipped).toBeUndefined();
  });
  it('--database-url traces on a real PostgreSQL (this server trusts us as a superuser: --allow-superuser)', async () => {
    const url = process.env.MIGRATION_REVIEW_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const { review } = await json(['--database-url', url, '--allow-superuser']);
    expect(review.trace!.engine).toBe('postgres');
    expect(review.trace!.files[0]!.statements[0]!.locks[0]!.mode).toBe('ShareLock');
    const refused = await json(['--database-url', url]);
    expect(refused.review.findings.find((f) => f.rule === 'not-traced')!.message).toMatch(/refusing to trace as postgres: it is a superuser/);
  });
  it('a server it cannot reach is said, and the static review still stands', async () => {
    const { code, review } = await json(['--database-url', 'postgres://postgres@127.0.0.1:1/postgres']);
    expect(code).toBe(1); // the index BLOCK from the rules
    expect(review.findings.find((f) => f.rule === 'not-traced')!.message).toMatch(/the trace could not run: .*ECONNREFUSED/);
  });
});

describe('migration-review check --llm', () => {
  it("adds Claude's review through the same path (a local Messages API), or says it has no key", async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(submitReviewMessage({ verdict: 'BLOCK', justification: 'The index build blocks writes on orders.', findings: [indexFinding] })));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const args = ['check', m('000002_orders_status_index.up.sql'), '--root', SHOP, '--format', 'json', '--no-trace', '--llm'];
      const withKey = JSON.parse((await cli(args, REPO_ROOT, { ANTHROPIC_API_KEY: 'sk-ant-test', ANTHROPIC_BASE_URL: `http://127.0.0.1:${port}` })).stdout) as Review;
      expect(withKey.findings.find((f) => f.source === 'llm')).toMatchObject({ rule: 'claude-review', category: 'index_dependencies' });
      const noKey = JSON.parse((await cli(args, REPO_ROOT, { ANTHROPIC_API_KEY: '' })).stdout) as Review;
      expect(noKey.skipped).toContain('Claude review: ANTHROPIC_API_KEY is not set — deterministic review only');
    } finally {
      server.close();
    }
  });
});

