import { execFile } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { runCheck } from '../../src/cli/check.js';
import { githubSource, type Octokit } from '../../src/github/source.js';
import { renderJson } from '../../src/render/json.js';
import { prepareChange, reviewDeterministic } from '../../src/review/pipeline.js';
import { loadParser } from '../../src/sql/parse.js';
import { API, TestOctokit } from '../github/fake-github.js';
import { makeRepo } from '../helpers.js';

/**
 * Issue #17 item 2: a migration that is a symbolic link. Git stores a link as a blob of mode
 * 120000 whose content is the target path; a checkout makes it a link on disk; the GitHub tree
 * lists it as that blob. A link to a file in the repository is reviewed as that file; one that
 * leaves the repository, dangles or loops is a BLOCK naming the file — never silence.
 *
 * Each case is a real git repository in a temp dir, reviewed by `check --base` and by naming the
 * link, and the same commits served through nock in the GitHub API's shapes (generated from the
 * repository with git itself), which must give byte-identical JSON.
 */
const exec = promisify(execFile);

const CONFIG = 'tables:\n  orders: { rows: 80000000 }\n';
const BASE = {
  '.github/migration-review.yml': CONFIG,
  'migrations/001_init.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, amount int, status text);\n',
  'migrations/001_init.down.sql': 'DROP TABLE orders;\n',
};

type Head = { files?: Record<string, string>; links?: Record<string, string> };

async function gitRepo(
  base: Record<string, string>,
  baseLinks: Record<string, string>,
  head: Head,
): Promise<{ root: string; git: (...args: string[]) => Promise<string> }> {
  const root = await makeRepo(base);
  const git = async (...args: string[]): Promise<string> =>
    (await exec('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: root, maxBuffer: 16 << 20 })).stdout;
  const write = async (files: Record<string, string>, links: Record<string, string>): Promise<void> => {
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    }
    for (const [path, target] of Object.entries(links)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await symlink(target, join(root, path));
    }
  };
  await git('init', '-q', '-b', 'main');
  await write({}, baseLinks);
  await git('add', '-A');
  await git('commit', '-qm', 'base');
  await git('checkout', '-qb', 'pr');
  await write(head.files ?? {}, head.links ?? {});
  await git('add', '-A');
  await git('commit', '-qm', 'pr');
  return { root, git };
}

interface JsonReview {
  verdict: string;
  findings: { rule: string; status: string; file: string; message: string }[];
  files: { path: string; reviewed: boolean }[];
}

const summary = (review: JsonReview): string[] => review.findings.map((f) => `${f.rule}:${f.status}:${f.file}`);

beforeAll(async () => {
  await loadParser();
  nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());

describe('a migration that is a symbolic link to a file in the repository', () => {
  // The reproduction: SAFE TO SHIP with --base, "0 migration files reviewed" when named.
  const head = {
    files: { 'sql/danger.sql': 'CREATE INDEX idx_orders_amount ON orders (amount);\n' },
    links: { 'migrations/003_x.up.sql': '../sql/danger.sql' },
  };

  it('check --base reviews the target under the link name: BLOCK, exit 1', async () => {
    const { root } = await gitRepo(BASE, {}, head);
    const result = await runCheck({ paths: [], base: 'main', root, format: 'json', failOn: 'block', color: false, trace: false });
    const review = JSON.parse(result.output) as JsonReview;
    expect(summary(review)).toContain('create-index-non-concurrently:BLOCK:migrations/003_x.up.sql');
    expect(review.files.map((f) => f.path)).toEqual(['migrations/003_x.up.sql']);
    expect(result.exitCode).toBe(1);
  });

  it('naming the link reviews it: BLOCK, exit 1, one file reviewed', async () => {
    const { root } = await gitRepo(BASE, {}, head);
    const result = await runCheck({ paths: [join(root, 'migrations/003_x.up.sql')], root, format: 'text', failOn: 'block', color: false, trace: false });
    expect(result.review.verdict).toBe('BLOCK');
    expect(result.output).toContain('(1 file reviewed)');
    expect(result.exitCode).toBe(1);
  });

  it('editing only the linked file edits the migration: it is in the change, and a merged one is modified', async () => {
    const { root } = await gitRepo(
      { ...BASE, 'sql/shared.sql': 'CREATE TABLE notes (id bigint PRIMARY KEY);\n' },
      { 'migrations/002_notes.up.sql': '../sql/shared.sql' },
      { files: { 'sql/shared.sql': 'CREATE TABLE notes (id bigint PRIMARY KEY);\nCREATE INDEX idx_orders_status ON orders (status);\n' } },
    );
    const result = await runCheck({ paths: [], base: 'main', root, format: 'json', failOn: 'block', color: false, trace: false });
    const rules = summary(JSON.parse(result.output) as JsonReview);
    expect(rules).toContain('create-index-non-concurrently:BLOCK:migrations/002_notes.up.sql');
    expect(rules).toContain('modified-migration:BLOCK:migrations/002_notes.up.sql');
  });
});

describe('a migration link the repository cannot resolve is a BLOCK naming the file', () => {
  const cases: { name: string; link: string; messageStart: RegExp }[] = [
    {
      name: 'leaves the repository',
      link: '../../outside/danger.sql',
      messageStart: /is a symbolic link to \.\.\/\.\.\/outside\/danger\.sql, which is outside the repository/,
    },
    { name: 'an absolute path', link: '/etc/migrations/danger.sql', messageStart: /is a symbolic link to the absolute path \/etc\/migrations\/danger\.sql/ },
    { name: 'dangling', link: '../sql/missing.sql', messageStart: /is a symbolic link to \.\.\/sql\/missing\.sql, which does not exist in the repository/ },
    { name: 'a loop', link: '003_x.up.sql', messageStart: /is a symbolic link \(003_x\.up\.sql\) that never reaches a file: the links loop/ },
    { name: 'into a build folder', link: '../dist/danger.sql', messageStart: /is a symbolic link to \.\.\/dist\/danger\.sql, in a dependency or build folder/ },
  ];
  for (const { name, link, messageStart } of cases) {
    it(`${name}: check --base and naming the link both BLOCK`, async () => {
      const { root } = await gitRepo(
        BASE,
        {},
        { files: { 'dist/danger.sql': 'CREATE INDEX i ON orders (amount);\n' }, links: { 'migrations/003_x.up.sql': link } },
      );
      const byBase = await runCheck({ paths: [], base: 'main', root, format: 'json', failOn: 'block', color: false, trace: false });
      const review = JSON.parse(byBase.output) as JsonReview;
      expect(summary(review)).toEqual(['unreviewable-symlink:BLOCK:migrations/003_x.up.sql']);
      expect(review.findings[0]!.message).toMatch(new RegExp(`^migrations/003_x\\.up\\.sql ${messageStart.source}`));
      expect(review.files).toEqual([expect.objectContaining({ path: 'migrations/003_x.up.sql', reviewed: false })]);
      expect(byBase.exitCode).toBe(1);
      const named = await runCheck({ paths: [join(root, 'migrations/003_x.up.sql')], root, format: 'json', failOn: 'block', color: false, trace: false });
      expect(summary(JSON.parse(named.output) as JsonReview)).toEqual(['unreviewable-symlink:BLOCK:migrations/003_x.up.sql']);
      expect(named.exitCode).toBe(1);
    });
  }

  it('a migrations folder that is a link out of the repository', async () => {
    const { root } = await gitRepo(
      { '.github/migration-review.yml': CONFIG, 'app/main.ts': 'export {};\n' },
      {},
      { links: { 'db/migrations': '../../shared/migrations' } },
    );
    const result = await runCheck({ paths: [], base: 'main', root, format: 'json', failOn: 'block', color: false, trace: false });
    expect(summary(JSON.parse(result.output) as JsonReview)).toEqual(['unreviewable-symlink:BLOCK:db/migrations']);
  });

  it('links that are not migrations (docs, tooling) are not findings', async () => {
    const { root } = await gitRepo(
      BASE,
      {},
      {
        files: { 'migrations/002_a.up.sql': 'CREATE TABLE a (id int);\n', 'migrations/002_a.down.sql': 'DROP TABLE a;\n' },
        links: { 'docs/guide.md': '../../elsewhere/guide.md', 'bin/tool': '/usr/local/bin/tool' },
      },
    );
    const result = await runCheck({ paths: [], base: 'main', root, format: 'json', failOn: 'block', color: false, trace: false });
    expect(summary(JSON.parse(result.output) as JsonReview)).toEqual([]);
  });
});

/**
 * The GitHub API served from the git repository itself, in the API's shapes: the recursive tree
 * (links are `type: "blob"`, `mode: "120000"`), blobs (a link's content is its target path), the
 * PR's files (the link path, as `git diff` lists it), and contents, which answers a link to a
 * regular file with that file and any other link with `type: "symlink"` and its `target`.
 */
async function serveFromGit(root: string, git: (...args: string[]) => Promise<string>): Promise<{ head: string; base: string }> {
  const owner = 'acme';
  const repo = 'shop';
  const repoPath = `/repos/${owner}/${repo}`;
  const head = (await git('rev-parse', 'pr')).trim();
  const base = (await git('rev-parse', 'main')).trim();
  const entriesAt = async (sha: string): Promise<{ mode: string; type: string; sha: string; size: string; path: string }[]> =>
    (await git('ls-tree', '-r', '-t', '-l', '-z', sha))
      .split('\0')
      .filter(Boolean)
      .map((line) => {
        const [meta, path] = line.split('\t') as [string, string];
        const [mode, type, object, size] = meta.split(/\s+/) as [string, string, string, string];
        return { mode, type, sha: object, size, path };
      });
  const blob = async (sha: string): Promise<Buffer> => (await exec('git', ['cat-file', 'blob', sha], { cwd: root, encoding: 'buffer' })).stdout;
  const contentAt = async (ref: string, path: string): Promise<[number, unknown]> => {
    const entries = await entriesAt(ref);
    const entry = entries.find((e) => e.path === path);
    if (!entry) return [404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content', status: '404' }];
    const links = {
      self: `${API}${repoPath}/contents/${path}?ref=${ref}`,
      git: `${API}${repoPath}/git/blobs/${entry.sha}`,
      html: `https://github.com/${owner}/${repo}/blob/${ref}/${path}`,
    };
    if (entry.mode === '120000') {
      const target = (await blob(entry.sha)).toString('utf8');
      const resolved = posix.normalize(posix.join(posix.dirname(path), target));
      const file = entries.find((e) => e.path === resolved && e.type === 'blob' && e.mode !== '120000');
      if (!file || target.startsWith('/'))
        return [
          200,
          {
            type: 'symlink',
            target,
            size: target.length,
            name: posix.basename(path),
            path,
            sha: entry.sha,
            url: links.self,
            git_url: links.git,
            html_url: links.html,
            download_url: null,
            _links: links,
          },
        ];
      return contentAt(ref, resolved);
    }
    const content = await blob(entry.sha);
    return [
      200,
      {
        type: 'file',
        encoding: 'base64',
        size: content.length,
        name: posix.basename(path),
        path,
        content: content.toString('base64'),
        sha: entry.sha,
        url: links.self,
        git_url: links.git,
        html_url: links.html,
        download_url: `https://raw.githubusercontent.com/${owner}/${repo}/${ref}/${path}`,
        _links: links,
      },
    ];
  };
  const statusOf: Record<string, string> = { A: 'added', M: 'modified', D: 'removed', T: 'changed' };
  const diff = (await git('diff', '--name-status', '--no-renames', '-z', base, head)).split('\0').filter(Boolean);
  const prFiles: unknown[] = [];
  for (let i = 0; i + 1 < diff.length; i += 2)
    prFiles.push({ sha: '0'.repeat(40), filename: diff[i + 1], status: statusOf[diff[i]!], additions: 1, deletions: 0, changes: 1 });

  nock(API)
    .persist()
    .get(`${repoPath}/git/trees/${head}`)
    .query({ recursive: 'true' })
    .reply(async () => [
      200,
      {
        sha: head,
        url: `${API}${repoPath}/git/trees/${head}`,
        truncated: false,
        tree: (await entriesAt(head)).map((e) => ({
          path: e.path,
          mode: e.mode,
          type: e.type,
          sha: e.sha,
          ...(e.type === 'blob' ? { size: Number(e.size) } : {}),
          url: `${API}${repoPath}/git/${e.type}s/${e.sha}`,
        })),
      },
    ])
    .get(/\/repos\/acme\/shop\/git\/blobs\/[0-9a-f]{40}$/)
    .reply(async (uri) => {
      const sha = uri.split('/').pop()!;
      const content = await blob(sha);
      return [200, { sha, node_id: 'B_x', size: content.length, url: `${API}${uri}`, content: `${content.toString('base64')}\n`, encoding: 'base64' }];
    })
    .get(`${repoPath}/pulls/12/files`)
    .query(true)
    .reply(200, prFiles)
    .get(/\/repos\/acme\/shop\/contents\/.*/)
    .reply(async (uri) => {
      const url = new URL(uri, API);
      const path = decodeURIComponent(url.pathname.slice(`${repoPath}/contents/`.length));
      return contentAt(url.searchParams.get('ref') ?? 'main', path);
    });
  return { head, base };
}

describe('the GitHub source resolves links as the checkout does', () => {
  const cases: { name: string; base: Record<string, string>; baseLinks: Record<string, string>; head: Head; expected: string[] }[] = [
    {
      name: 'a link to a file in the repository, and one out of it',
      base: BASE,
      baseLinks: {},
      head: {
        files: { 'sql/danger.sql': 'CREATE INDEX idx_orders_amount ON orders (amount);\n' },
        links: { 'migrations/003_x.up.sql': '../sql/danger.sql', 'migrations/004_y.up.sql': '../../../etc/danger.sql' },
      },
      expected: ['create-index-non-concurrently:BLOCK:migrations/003_x.up.sql', 'unreviewable-symlink:BLOCK:migrations/004_y.up.sql'],
    },
    {
      name: 'an edit to the file a merged migration links to',
      base: { ...BASE, 'sql/shared.sql': 'CREATE TABLE notes (id bigint PRIMARY KEY);\n' },
      baseLinks: { 'migrations/002_notes.up.sql': '../sql/shared.sql' },
      head: { files: { 'sql/shared.sql': 'CREATE TABLE notes (id bigint PRIMARY KEY);\nCREATE INDEX idx_orders_status ON orders (status);\n' } },
      expected: ['create-index-non-concurrently:BLOCK:migrations/002_notes.up.sql', 'modified-migration:BLOCK:migrations/002_notes.up.sql'],
    },
  ];
  for (const { name, base, baseLinks, head, expected } of cases) {
    it(`${name}: byte-identical JSON to check --base`, async () => {
      const { root, git } = await gitRepo(base, baseLinks, head);
      const local = await runCheck({ paths: [], base: 'main', root, format: 'json', failOn: 'block', color: false, trace: false });
      const shas = await serveFromGit(root, git);
      const octokit = new TestOctokit({ auth: 'ghs_test' }) as unknown as Octokit;
      const source = githubSource(octokit, { owner: 'acme', repo: 'shop', number: 12 }, shas);
      const remote = renderJson((await reviewDeterministic(await prepareChange(source), { trace: false })).review);
      for (const rule of expected) expect(summary(JSON.parse(remote) as JsonReview)).toContain(rule);
      expect(remote).toBe(local.output);
    });
  }
});
