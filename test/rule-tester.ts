import { expect, it, describe } from '@jest/globals';
import { resolveConfig, type RepoConfig } from '../src/config/schema.js';
import { codeIndexOf } from '../src/repo/code-refs.js';
import { preparedOf, reviewDeterministic } from '../src/review/pipeline.js';
import type { Finding, MigrationFile, TxMode } from '../src/core/types.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuleEntry } from '../src/rules/define.js';
import type { StatsFile } from '../src/stats/schema.js';

/**
 * RuleTester: a rule's valid/invalid case table, run through the real pipeline (parse → schema →
 * rules → acks). Fails on an unknown messageId, a duplicate case, or an invalid case that
 * expects no error.
 */
export interface RuleCase {
  sql: string;
  /** Earlier migrations: the schema before the change. */
  schema?: string;
  /** Table sizes in rows. */
  tables?: Record<string, number>;
  framework?: string;
  txMode?: TxMode;
  /** The down script; `null` for none. */
  down?: string | null;
  expectsDown?: boolean;
  config?: RepoConfig;
  name?: string;
  /** Run the lock trace too (always on for rules raised by the trace). */
  trace?: boolean;
  /** Application code of the repository, path → text (absent: the repository has none to search). */
  code?: Record<string, string>;
  /** An earlier migration of the same change, applied right before `sql` (same runner and settings). */
  earlier?: string;
  /** A later migration of the same change, applied right after `sql`. */
  later?: string;
  /** The runner applies the change's files on one connection (MigrationFile.sharedSession). */
  sharedSession?: string;
  /** A database statistics file (`migration-review stats`), as the review reads it from the repository. */
  stats?: StatsFile;
}

/** Tests share one snapshot cache, outside the home directory. */
export const TEST_CACHE_DIR = join(tmpdir(), 'migration-review-test-cache');

export interface InvalidCase extends RuleCase {
  errors: { messageId: string; line?: number; status?: 'FLAG' | 'BLOCK'; message?: RegExp }[];
}

export async function findingsFor(rule: RuleEntry | null, input: RuleCase): Promise<Finding[]> {
  const history: MigrationFile[] = input.schema
    ? [file('migrations/000001_schema.up.sql', input.schema, 0, { txMode: 'per-file', down: null, expectsDown: false })]
    : [];
  const earlier = input.earlier === undefined ? [] : [file('migrations/000002_earlier.up.sql', input.earlier, history.length, { ...input, down: null })];
  const change = file(earlier.length ? 'migrations/000003_change.up.sql' : 'migrations/000002_change.up.sql', input.sql, history.length + earlier.length, input);
  const later = input.later === undefined ? [] : [file('migrations/000009_later.up.sql', input.later, history.length + earlier.length + 1, { ...input, down: null })];
  const tables = Object.fromEntries(Object.entries(input.tables ?? {}).map(([name, rows]) => [name, { rows }]));
  const stats = input.stats ? { file: '.github/migration-review-stats.json', data: input.stats } : undefined;
  const config = resolveConfig({ ...input.config, tables: { ...tables, ...input.config?.tables } }, stats, input.stats ? new Date(input.stats.collectedAt) : undefined);
  const discovery = { migrations: [...history, ...earlier, change, ...later], extras: [] };
  const traced = !!input.trace || rule?.source === 'trace';
  const code = input.code ? codeIndexOf(Object.entries(input.code).map(([path, text]) => ({ path, lines: text.split('\n') }))) : undefined;
  const prepared = preparedOf({ discovery, change: new Set([...earlier, change, ...later].map((f) => f.path)), config, code });
  const { review: result } = await reviewDeterministic(prepared, { trace: traced, traceOptions: { cacheDir: TEST_CACHE_DIR } });
  return result.findings.filter((f) => !rule || f.rule === rule.id);
}

function file(path: string, sql: string, order: number, input: Partial<RuleCase>): MigrationFile {
  return {
    path,
    framework: input.framework ?? 'golang-migrate',
    version: String(order + 1),
    name: 'case',
    order,
    set: 'migrations',
    upSql: sql,
    upStartLine: 1,
    down: input.down ? { path: path.replace('.up.sql', '.down.sql'), sql: input.down, startLine: 1 } : null,
    expectsDown: input.expectsDown ?? false,
    txMode: input.txMode ?? 'per-file',
    txReason: 'the test runner wraps the file in a transaction',
    ...(input.sharedSession ? { sharedSession: input.sharedSession } : {}),
  };
}

const caseOf = (c: string | RuleCase): RuleCase => (typeof c === 'string' ? { sql: c } : c);

export function testRule(rule: RuleEntry, cases: { valid: (string | RuleCase)[]; invalid: InvalidCase[] }): void {
  describe(rule.id, () => {
    const seen = new Set<string>();
    for (const c of [...cases.valid.map(caseOf), ...cases.invalid]) {
      const key = JSON.stringify({ ...c, errors: undefined, name: undefined });
      if (seen.has(key)) throw new Error(`${rule.id}: duplicate case ${c.name ?? c.sql}`);
      seen.add(key);
    }
    for (const c of cases.valid.map(caseOf)) {
      it(`valid: ${c.name ?? c.sql.split('\n')[0]}`, async () => {
        const findings = await findingsFor(rule, c);
        expect(findings.map((f) => `${f.line}: ${f.message}`)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name ?? c.sql.split('\n')[0]}`, async () => {
        if (c.errors.length === 0) throw new Error('an invalid case must expect at least one error');
        for (const e of c.errors) if (!(e.messageId in rule.messages)) throw new Error(`unknown messageId "${e.messageId}"`);
        const findings = await findingsFor(rule, c);
        expect(findings).toHaveLength(c.errors.length);
        c.errors.forEach((e, i) => {
          const f = findings.slice().sort((a, b) => a.line - b.line)[i]!;
          if (e.line !== undefined) expect(f.line).toBe(e.line);
          if (e.status) expect(f.status).toBe(e.status);
          if (e.message) expect(f.message).toMatch(e.message);
          const template = rule.messages[e.messageId as keyof typeof rule.messages] as { message: string };
          const stem = template.message.split('{{')[0]!.trim();
          if (stem) expect(f.message.replace(/^Verify: .*? — /, '')).toContain(stem);
        });
      });
    }
  });
}
