import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { resolveConfig } from '../../src/config/schema.js';
import { review } from '../../src/review/analyze.js';
import type { Finding, MigrationFile } from '../../src/core/types.js';
import { discover, listRepoFiles, repoFiles } from '../../src/discover/index.js';
import { beforeSql, exampleChanges, loadPatterns, parsePattern, PatternError, type Pattern } from '../../src/patterns/library.js';
import { ALL_RULES, RULES_BY_ID } from '../../src/rules/index.js';
import { fingerprint, loadParser, parseSql } from '../../src/sql/parse.js';
import { codeIndexOf, readCodeFiles } from '../../src/repo/code-refs.js';
import { makeRepo } from '../helpers.js';

/**
 * Keeps the patterns library honest. For every pattern, with every table it names configured at
 * 50M rows: each bad example triggers the rules the pattern answers, each good example gives no
 * FLAG or BLOCK in the pattern's categories, and each good example really runs, up and down and
 * up again, on the local PostgreSQL (the target of .ci/run).
 */
const LARGE = 50_000_000;
const patterns = loadPatterns();
const url = process.env.MIGRATION_REVIEW_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

beforeAll(() => loadParser());

/** Every table the pattern's SQL names, for sizing: any RangeVar (typed fields are not wrapped). */
function tablesOf(pattern: Pattern): string[] {
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const relname = (node as { relname?: unknown }).relname;
    if (typeof relname === 'string') names.add(relname);
    Object.values(node).forEach(visit);
  };
  for (const ex of pattern.examples) {
    if (ex.kind === 'code') continue;
    for (const statement of parseSql(ex.sql).statements) visit(statement.node);
  }
  return [...names];
}

/** Discovers an example change as a repository, with the `before` schema as the history of each set. */
async function changeOf(
  pattern: Pattern,
  example: string,
  files: { path: string | null; sql: string }[],
): Promise<{
  migrations: MigrationFile[];
  change: Set<string>;
  codeRefs: (table: string, columns: string[]) => { file: string; line: number; text: string }[];
  codeAvailable: boolean;
}> {
  const contents: Record<string, string> = {};
  for (const f of files) {
    if (contents[f.path!] !== undefined) throw new Error(`${pattern.file}: ${f.path} appears twice in one example`);
    contents[f.path!] = f.sql;
  }
  const code = Object.fromEntries(pattern.examples.filter((e) => e.kind === 'code').map((e) => [e.path!, e.sql]));
  const root = await makeRepo({ ...contents, ...code });
  const allPaths = await listRepoFiles(root);
  const discovery = await discover(repoFiles(root, allPaths), { globs: Object.keys(contents) });
  const codeIndex = codeIndexOf((await readCodeFiles(repoFiles(root, allPaths), new Set(Object.keys(contents)), { include: null, exclude: [], maxFiles: 2000 })).files);
  const change = new Set(Object.keys(contents));
  const missing = [...change].filter((p) => !discovery.migrations.some((m) => m.path === p || m.down?.path === p));
  if (missing.length) throw new Error(`${pattern.file}: not discovered as migrations: ${missing.join(', ')}`);
  const before = beforeSql(pattern, example);
  const history: MigrationFile[] = before
    ? [...new Set(discovery.migrations.map((m) => m.set))].map((set) => ({
        path: `${set}/(before)`,
        framework: 'plain',
        version: '0',
        name: 'before',
        order: -1,
        set,
        upSql: before,
        upStartLine: 1,
        down: null,
        expectsDown: false,
        txMode: 'per-file',
        txReason: 'the schema as it exists',
      }))
    : [];
  return {
    migrations: [...history, ...discovery.migrations],
    change: new Set(discovery.migrations.map((m) => m.path)),
    codeRefs: (t, c) => codeIndex.search(t, c),
    codeAvailable: codeIndex.fileCount > 0,
  };
}

async function findingsOf(pattern: Pattern, example: string, files: { path: string | null; sql: string }[]): Promise<Finding[]> {
  const { migrations, change, codeRefs, codeAvailable } = await changeOf(pattern, example, files);
  const tables = Object.fromEntries(tablesOf(pattern).map((t) => [t, { rows: LARGE }]));
  // A file the `before` fences show as merged, with different SQL now: an edited migration.
  const merged = pattern.examples.filter((e) => e.kind === 'before' && e.path && (e.example === 'main' || e.example === example));
  const modified = new Set(files.filter((f) => merged.some((m) => m.path === f.path && fingerprint(m.sql) !== fingerprint(f.sql))).map((f) => f.path!));
  const result = await review({ discovery: { migrations, extras: [] }, change, config: resolveConfig({ tables }), codeRefs, codeAvailable, modified });
  return result.findings.filter((f) => !f.acknowledged);
}

const show = (findings: Finding[]): string => findings.map((f) => `${f.status} ${f.rule} ${f.file}:${f.line} ${f.message}`).join('\n');

describe('the library', () => {
  it('has at least 18 patterns with unique ids', () => {
    expect(patterns.length).toBeGreaterThanOrEqual(18);
    expect(new Set(patterns.map((p) => p.id)).size).toBe(patterns.length);
  });
  it('every rule points to a pattern that exists, and that pattern names the rule', () => {
    const byId = new Map(patterns.map((p) => [p.id, p]));
    const problems: string[] = [];
    for (const rule of ALL_RULES) {
      for (const id of [rule.pattern, ...(rule.alsoPatterns ?? [])]) {
        const pattern = byId.get(id);
        if (!pattern) problems.push(`${rule.id}: pattern ${id} does not exist`);
        // Trace rules fire on what really ran, and too-large-to-review on megabytes of SQL: a
        // pattern's examples cannot show either, so they only need their pattern to exist.
        else if ((rule.source ?? 'rule') === 'rule' && rule.id !== 'too-large-to-review' && !pattern.rules.includes(rule.id)) problems.push(`${rule.id}: pattern ${id} does not list it in rules`);
      }
    }
    expect(problems).toEqual([]);
  });
  it("every rule a pattern names exists and sits in one of the pattern's categories", () => {
    const problems: string[] = [];
    for (const pattern of patterns) {
      for (const id of pattern.rules) {
        const rule = RULES_BY_ID.get(id);
        if (!rule) problems.push(`${pattern.id}: unknown rule ${id}`);
        else if (!pattern.categories.includes(rule.category))
          problems.push(`${pattern.id}: rule ${id} is in ${rule.category}, not in the pattern's categories`);
      }
    }
    expect(problems).toEqual([]);
  });
  it('reports a bad fence tag with its file and line', () => {
    const text =
      '---\nid: x-y\ntitle: A title\nsummary: long enough summary text here\ncategories: [lock_contention]\nrules: [a]\npostgres: "14+"\n---\n\nText\n\n```sql worse a.sql\nSELECT 1;\n```\n';
    expect(() => parsePattern('patterns/x-y.md', text)).toThrow(PatternError);
    expect(() => parsePattern('patterns/x-y.md', text)).toThrow('patterns/x-y.md:12: unknown fence tag "worse"');
    expect(() => parsePattern('patterns/x-y.md', text.replace('worse a.sql', 'good'))).toThrow(/:12: a good fence needs the migration path/);
    expect(() => parsePattern('patterns/x-y.md', text.replace('categories: [lock_contention]', 'categories: [locks]'))).toThrow(
      /:2: front matter: categories\.0/,
    );
  });
});

describe.each(patterns.map((p) => [p.id, p] as const))('%s', (_id, pattern) => {
  const changes = exampleChanges(pattern);
  const bad = changes.filter((c) => c.kind === 'bad');
  const good = changes.filter((c) => c.kind === 'good');

  it('sizes the tables it names (so the examples are judged as on a big table)', () => {
    expect(tablesOf(pattern).length).toBeGreaterThan(0);
  });

  it('has the sections a reader needs', () => {
    for (const heading of ['## When you need it', '## Why the naive way hurts', '## Instead of', '## Do this', '## Rollback', '## Watch it in production']) {
      expect(pattern.body).toContain(heading);
    }
    expect(bad.length).toBeGreaterThan(0);
    expect(good.length).toBeGreaterThan(0);
  });

  it('each bad example triggers the rules the pattern answers', async () => {
    const triggered = new Set<string>();
    for (const change of bad) {
      const findings = (await findingsOf(pattern, change.example, change.files)).filter((f) => pattern.rules.includes(f.rule));
      if (!findings.length) throw new Error(`bad:${change.example} triggers none of ${pattern.rules.join(', ')}`);
      if (process.env.DEBUG_PATTERNS) console.log(change.example, show(findings));
      for (const f of findings) triggered.add(f.rule);
    }
    // A rule for an older target than the default (its docs name `exampleConfig.postgres`) is shown
    // failing by its own docs example, run with that target (test/docs.test.ts).
    const versionSpecific = (r: string): boolean => RULES_BY_ID.get(r)?.docs.exampleConfig?.postgres !== undefined;
    expect(pattern.rules.filter((r) => !triggered.has(r) && !versionSpecific(r))).toEqual([]);
  });

  it.each(good.map((c) => [c.example, c] as const))("good:%s gives no FLAG or BLOCK in the pattern's categories", async (_name, change) => {
    const findings = (await findingsOf(pattern, change.example, change.files)).filter((f) => pattern.categories.includes(f.category));
    if (findings.length) throw new Error(`good:${change.example}:\n${show(findings)}`);
  });
});

describe('good examples run on PostgreSQL (up, down, up again)', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: url });
    await client.connect();
  });
  afterAll(() => client.end());

  /** Runs one file's SQL the way its runner would: one transaction, one query string, or statement by statement. */
  async function runAs(file: MigrationFile, sql: string, startLine: number, label: string): Promise<void> {
    try {
      if (file.txMode === 'none') {
        for (const statement of parseSql(sql, startLine).statements.filter((s) => !s.nested)) await client.query(statement.text);
      } else if (file.txMode === 'implicit') {
        await client.query(sql);
      } else {
        await client.query('BEGIN');
        await client.query(sql);
        await client.query('COMMIT');
      }
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw new Error(`${label} (${file.txMode}): ${(error as Error).message}`);
    }
  }

  const cases = patterns.flatMap((p) =>
    exampleChanges(p)
      .filter((c) => c.kind === 'good')
      .map((c) => [`${p.id} good:${c.example}`, p, c] as const),
  );
  it.each(cases)('%s', async (_name, pattern, change) => {
    const schema = `mr_pattern_${process.pid}_${pattern.id}_${change.example}`.replace(/[^a-z0-9_]/g, '_').slice(0, 63);
    const { migrations, change: paths } = await changeOf(pattern, change.example, change.files);
    const ups = migrations.filter((m) => paths.has(m.path));
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}; SET search_path = ${schema}, public`);
    try {
      await client.query(beforeSql(pattern, change.example));
      for (const m of ups) await runAs(m, m.upSql, m.upStartLine, `${m.path} up`);
      if (ups.every((m) => m.down)) {
        for (const m of [...ups].reverse()) await runAs(m, m.down!.sql, m.down!.startLine, `${m.down!.path} down`);
        for (const m of ups) await runAs(m, m.upSql, m.upStartLine, `${m.path} up again`);
      }
    } finally {
      await client.query(`RESET ALL; DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  });
});
