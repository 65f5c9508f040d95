/**
 * The conformance suite: labelled PR cases under test/conformance/cases, each reviewed through the
 * CLI's JSON output (the engine is a black box here), scored against the labels a senior DBA gives
 * by JUDGMENT.md.
 *
 *   npm run conformance                     # every case, summary + one line per failing case
 *   npm run conformance -- --filter goose   # cases whose id contains "goose"
 *   npm run conformance -- --json           # the numbers as JSON
 *   CONFORMANCE_TRACE=0 npm run conformance # static rules only (--no-trace)
 *   npm run conformance -- --write-baseline # record today's numbers for the ratchet test
 */
import { runCheck } from '../src/cli/check.js';
import { reviewOutputSchema } from '../src/render/review-schema.js';
import { MigrationReviewError } from '../src/core/errors.js';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CASES_DIR = join(REPO_ROOT, 'test', 'conformance', 'cases');
export const BASELINE_PATH = join(REPO_ROOT, 'test', 'conformance', 'baseline.json');

export const CATEGORY_KEYS = [
  'lock_contention',
  'concurrent_write_hazards',
  'missing_rollback',
  'data_loss',
  'replication_lag',
  'constraint_validation',
  'index_dependencies',
  'foreign_keys',
] as const;
export type CategoryKey = (typeof CATEGORY_KEYS)[number];

const status = z.enum(['PASS', 'FLAG', 'BLOCK']);
const verdict = z.enum(['SAFE_TO_SHIP', 'SAFE_WITH_MODIFICATIONS', 'BLOCK']);
type Status = z.infer<typeof status>;
type Verdict = z.infer<typeof verdict>;

/** `case.yml`: one labelled PR. Every category key is required. */
export const caseSchema = z
  .object({
    why: z.string().min(10),
    judgment: z.string().min(5),
    framework: z.string().min(2),
    change: z.array(z.string().min(1)).min(1),
    expect: z
      .object({
        verdict,
        categories: z.object(Object.fromEntries(CATEGORY_KEYS.map((k) => [k, status])) as Record<CategoryKey, typeof status>).strict(),
      })
      .strict(),
    runtime: z
      .object({
        fails: z.boolean(),
        rewrites: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    seed: z.string().optional(),
  })
  .strict()
  .refine((c) => c.expect.verdict === verdictOf(c.expect.categories), { message: 'expect.verdict is not the worst of expect.categories' });
export type CaseSpec = z.infer<typeof caseSchema>;

export interface ConformanceCase {
  /** `<framework>/<NNN>-<slug>` */
  id: string;
  dir: string;
  spec: CaseSpec;
}

const RANK: Record<Status, number> = { PASS: 0, FLAG: 1, BLOCK: 2 };

export function verdictOf(categories: Record<CategoryKey, Status>): Verdict {
  const worst = Math.max(...CATEGORY_KEYS.map((k) => RANK[categories[k]]));
  return worst === 2 ? 'BLOCK' : worst === 1 ? 'SAFE_WITH_MODIFICATIONS' : 'SAFE_TO_SHIP';
}

/** Reads and validates one case directory; throws with the case id on a malformed case.yml. */
export function loadCase(dir: string): ConformanceCase {
  const id = relative(CASES_DIR, dir).split('\\').join('/');
  const raw: unknown = parseYaml(readFileSync(join(dir, 'case.yml'), 'utf8'));
  const parsed = caseSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${id}/case.yml: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { id, dir, spec: parsed.data };
}

/** Every case under test/conformance/cases, in id order; `filter` keeps ids containing it. */
export function loadCases(filter?: string): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const framework of readdirSync(CASES_DIR).sort()) {
    const fwDir = join(CASES_DIR, framework);
    for (const name of readdirSync(fwDir).sort()) {
      const dir = join(fwDir, name);
      if (!existsSync(join(dir, 'case.yml'))) continue;
      const id = `${framework}/${name}`;
      if (filter && !id.includes(filter)) continue;
      out.push(loadCase(dir));
    }
  }
  return out;
}

/** The part of the CLI's JSON output the suite reads (DESIGN.md contract). */
export interface ReviewJson {
  verdict: Verdict;
  categories: Record<CategoryKey, Status>;
  findings: { rule: string; status: string; category: string; categories?: string[]; file?: string; line?: number; acknowledged?: unknown }[];
  files: { path: string; framework: string; inTransaction: boolean | null }[];
}

export interface CaseResult {
  case: ConformanceCase;
  review: ReviewJson | null;
  error: string | null;
  ms: number;
}

/**
 * Reviews one case the way `migration-review check --root <repo> <change…> --format json` does —
 * the CLI's own entry (`runCheck`), in this process so the parser loads once. A usage or config
 * error is the case's error; the JSON output is its answer.
 */
export async function reviewCase(caseDir: string, options: { trace?: boolean } = {}): Promise<{ review: ReviewJson | null; error: string | null }> {
  const spec = loadCase(resolve(caseDir)).spec;
  const repo = join(resolve(caseDir), 'repo');
  const trace = options.trace ?? process.env.CONFORMANCE_TRACE !== '0';
  try {
    const { output } = await runCheck({ paths: spec.change.map((p) => join(repo, p)), root: repo, format: 'json', failOn: 'block', color: false, trace });
    // Every output is also held to the JSON contract's schema (docs/review.schema.json): a violation is an error.
    return { review: reviewOutputSchema.parse(JSON.parse(output)) as unknown as ReviewJson, error: null };
  } catch (error) {
    return { review: null, error: error instanceof MigrationReviewError ? error.describe() : String((error as Error).stack ?? error) };
  }
}

/** Runs cases `concurrency` at a time (2 by default: the machine is shared). */
export async function runCases(cases: ConformanceCase[], options: { concurrency?: number; trace?: boolean; onResult?: (r: CaseResult) => void } = {}): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array(cases.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const index = next++;
      const item = cases[index]!;
      const started = Date.now();
      const { review, error } = await reviewCase(item.dir, { trace: options.trace });
      results[index] = { case: item, review, error, ms: Date.now() - started };
      options.onResult?.(results[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 2, cases.length) }, worker));
  return results;
}

export interface Ratio {
  hit: number;
  of: number;
  rate: number | null;
}
const ratio = (hit: number, of: number): Ratio => ({ hit, of, rate: of ? Math.round((hit / of) * 10000) / 10000 : null });

export interface Metrics {
  cases: number;
  errors: number;
  verdictAccuracy: Ratio;
  casePassRate: Ratio;
  /** Expected SAFE_TO_SHIP, got anything else. Lower is better. */
  safeFalsePositiveRate: Ratio;
  categories: Record<CategoryKey, { blockRecall: Ratio; flagOrWorseRecall: Ratio; passFalseAlarms: Ratio }>;
}

export function casePassed(r: CaseResult): boolean {
  if (!r.review) return false;
  const { expect } = r.case.spec;
  return r.review.verdict === expect.verdict && CATEGORY_KEYS.every((k) => r.review!.categories[k] === expect.categories[k]);
}

export function score(results: CaseResult[]): Metrics {
  const ok = results.filter((r) => r.review);
  const got = (r: CaseResult, k: CategoryKey): Status => r.review?.categories[k] ?? 'PASS';
  const categories = {} as Metrics['categories'];
  for (const k of CATEGORY_KEYS) {
    const expBlock = results.filter((r) => r.case.spec.expect.categories[k] === 'BLOCK');
    const expFlag = results.filter((r) => r.case.spec.expect.categories[k] !== 'PASS');
    const expPass = results.filter((r) => r.case.spec.expect.categories[k] === 'PASS');
    categories[k] = {
      blockRecall: ratio(expBlock.filter((r) => got(r, k) === 'BLOCK').length, expBlock.length),
      flagOrWorseRecall: ratio(expFlag.filter((r) => got(r, k) !== 'PASS').length, expFlag.length),
      passFalseAlarms: ratio(expPass.filter((r) => got(r, k) !== 'PASS').length, expPass.length),
    };
  }
  const safe = results.filter((r) => r.case.spec.expect.verdict === 'SAFE_TO_SHIP');
  return {
    cases: results.length,
    errors: results.length - ok.length,
    verdictAccuracy: ratio(ok.filter((r) => r.review!.verdict === r.case.spec.expect.verdict).length, results.length),
    casePassRate: ratio(results.filter(casePassed).length, results.length),
    safeFalsePositiveRate: ratio(safe.filter((r) => r.review?.verdict !== 'SAFE_TO_SHIP').length, safe.length),
    categories,
  };
}

/** test/conformance/baseline.json: the numbers the ratchet test may not fall below, per mode. */
export type Baseline = Partial<Record<'static' | 'trace', Metrics>>;

/**
 * The numbers that got worse than the baseline (higher is better except the false-alarm rates).
 * Rates are compared, so adding cases does not trip it by itself; a tiny tolerance absorbs rounding.
 */
export function regressions(now: Metrics, before: Metrics): string[] {
  const out: string[] = [];
  const worse = (name: string, a: Ratio, b: Ratio, higherIsBetter: boolean): void => {
    if (a.rate === null || b.rate === null) return;
    const delta = higherIsBetter ? b.rate - a.rate : a.rate - b.rate;
    if (delta > 1e-9) out.push(`${name}: ${pct(a).trim()} (baseline ${pct(b).trim()})`);
  };
  if (now.errors > before.errors) out.push(`errors: ${now.errors} (baseline ${before.errors})`);
  worse('verdict accuracy', now.verdictAccuracy, before.verdictAccuracy, true);
  worse('case pass rate', now.casePassRate, before.casePassRate, true);
  worse('false positives on safe PRs', now.safeFalsePositiveRate, before.safeFalsePositiveRate, false);
  for (const k of CATEGORY_KEYS) {
    worse(`${k} BLOCK recall`, now.categories[k].blockRecall, before.categories[k].blockRecall, true);
    worse(`${k} FLAG-or-worse recall`, now.categories[k].flagOrWorseRecall, before.categories[k].flagOrWorseRecall, true);
    worse(`${k} PASS false alarms`, now.categories[k].passFalseAlarms, before.categories[k].passFalseAlarms, false);
  }
  return out;
}

const pct = (r: Ratio): string => (r.rate === null ? '   n/a' : `${(r.rate * 100).toFixed(1).padStart(5)}%`) + ` (${r.hit}/${r.of})`;
const SHORT: Record<Status, string> = { PASS: 'P', FLAG: 'F', BLOCK: 'B' };
const ABBR: Record<CategoryKey, string> = {
  lock_contention: 'LC',
  concurrent_write_hazards: 'CW',
  missing_rollback: 'MR',
  data_loss: 'DL',
  replication_lag: 'RL',
  constraint_validation: 'CV',
  index_dependencies: 'ID',
  foreign_keys: 'FK',
};

/** One line per failing case: id, expected vs got (verdict and the categories that differ), rule ids. */
export function failureLine(r: CaseResult): string {
  const { expect, framework } = r.case.spec;
  if (!r.review) return `${r.case.id}: ERROR ${r.error}`;
  const diffs = CATEGORY_KEYS.filter((k) => r.review!.categories[k] !== expect.categories[k]).map(
    (k) => `${ABBR[k]} ${SHORT[expect.categories[k]]}→${SHORT[r.review!.categories[k]]}`,
  );
  const rules = [...new Set(r.review.findings.filter((f) => !f.acknowledged).map((f) => `${f.rule}:${SHORT[f.status as Status] ?? f.status}`))];
  const frameworks = [...new Set(r.review.files.map((f) => f.framework))];
  const layout = frameworks.length === 1 && frameworks[0] === framework ? '' : ` [detected as ${frameworks.join(',')}]`;
  return `${r.case.id}: expected ${expect.verdict} got ${r.review.verdict}; ${diffs.join(', ') || 'categories ok'}; rules: ${rules.join(' ') || '-'}${layout}`;
}

export function summary(metrics: Metrics, results: CaseResult[]): string {
  const lines = [
    `conformance: ${metrics.cases} cases${metrics.errors ? `, ${metrics.errors} errors` : ''}`,
    `verdict accuracy        ${pct(metrics.verdictAccuracy)}`,
    `case pass rate          ${pct(metrics.casePassRate)}   (verdict and all 8 statuses right)`,
    `false positives on safe ${pct(metrics.safeFalsePositiveRate)}   (expected SAFE_TO_SHIP, got worse)`,
    '',
    `${'category'.padEnd(26)}${'BLOCK recall'.padEnd(22)}${'FLAG-or-worse recall'.padEnd(22)}PASS false alarms`,
  ];
  for (const k of CATEGORY_KEYS) {
    const c = metrics.categories[k];
    lines.push(`${k.padEnd(26)}${pct(c.blockRecall).padEnd(22)}${pct(c.flagOrWorseRecall).padEnd(22)}${pct(c.passFalseAlarms)}`);
  }
  const failing = results.filter((r) => !casePassed(r));
  if (failing.length) {
    lines.push('', `failing cases (${failing.length}):`);
    for (const r of failing) lines.push(`  ${failureLine(r)}`);
  }
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const filterAt = argv.indexOf('--filter');
  const filter = filterAt >= 0 ? argv[filterAt + 1] : undefined;
  const asJson = argv.includes('--json');
  const writeBaseline = argv.includes('--write-baseline');
  if (writeBaseline && filter) {
    process.stderr.write('--write-baseline needs the whole suite (no --filter)\n');
    return 2;
  }
  const cases = loadCases(filter);
  if (!cases.length) {
    process.stderr.write(`no case matches ${filter ?? ''}\n`);
    return 2;
  }
  let done = 0;
  const results = await runCases(cases, {
    onResult: () => {
      done++;
      if (!asJson && process.stderr.isTTY) process.stderr.write(`\r${done}/${cases.length}`);
    },
  });
  if (!asJson && process.stderr.isTTY) process.stderr.write('\n');
  const metrics = score(results);
  if (writeBaseline) {
    const mode = process.env.CONFORMANCE_TRACE === '0' ? 'static' : 'trace';
    const baseline = (existsSync(BASELINE_PATH) ? JSON.parse(readFileSync(BASELINE_PATH, 'utf8')) : {}) as Baseline;
    baseline[mode] = metrics;
    writeFileSync(BASELINE_PATH, `${JSON.stringify(baseline, null, 2)}\n`);
    process.stderr.write(`wrote ${mode} baseline to ${relative(REPO_ROOT, BASELINE_PATH)}\n`);
  }
  if (asJson) {
    const failing = results.filter((r) => !casePassed(r)).map((r) => ({ id: r.case.id, line: failureLine(r) }));
    process.stdout.write(`${JSON.stringify({ ...metrics, failing }, null, 2)}\n`);
  } else {
    process.stdout.write(`${summary(metrics, results)}\n`);
  }
  return metrics.errors ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`conformance: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
