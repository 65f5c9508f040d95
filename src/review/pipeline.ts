import { parseConfig } from '../config/load.js';
import { StatsFileError } from '../core/errors.js';
import type { LoadedStats } from '../stats/apply.js';
import { DEFAULT_STATS_PATH, parseStatsFile } from '../stats/load.js';
import { resolveConfig, type RepoConfig, type ResolvedConfig } from '../config/schema.js';
import type { Review } from '../core/types.js';
import { discover, isEmptyScript, type Discovery, type RepoFiles } from '../discover/index.js';
import type { LlmEnv } from '../llm/index.js';
import { codeIndexOf, readCodeFiles, type CodeIndex } from '../repo/code-refs.js';
import { fingerprint, loadParser } from '../sql/parse.js';
import type { TraceOptions } from '../trace/index.js';
import { analyze } from './analyze.js';
import { finalize, type Draft } from './finalize.js';
import type { ChangeSource, ChangeSpec, ChangedFile } from './source.js';

/**
 * The one review pipeline, in numbered steps (release-drafter's runner): every adapter — the CLI,
 * the app, the Action, runbook and explain — builds a ChangeSource, calls these, and renders.
 *
 *   1. prepareChange: config → discover → the change and the migrations it modifies → code index
 *   2. reviewDeterministic: rules ∥ lock trace → merge → finalize (the policy pass)
 *   3. addClaude: Claude's findings appended to the draft → finalize again (the app posts step 2
 *      first and awaits this separately)
 *   4. runbookFor: the production runbook, when asked
 */

/** Beyond this many changed files (a whole-history audit), the trace runs only when asked. */
export const TRACE_AUTO_FILES = 50;

/** Statements whose rules search the application code; without them the code is not read. */
const NEEDS_CODE = /\b(drop\s+index|drop\s+table|drop\s+column|rename\s+|on\s+delete\s+cascade)/i;

export interface Prepared {
  config: ResolvedConfig;
  discovery: Discovery;
  /** Paths of the migrations under review; null = every migration (an audit). */
  change: Set<string> | null;
  /** Already-merged migrations the change edits (beyond comments and whitespace). */
  modified: Set<string>;
  /** The application code, read once when a rule or Claude needs it. */
  code(): Promise<CodeIndex>;
  /** What the source or the preparation could not see. */
  notes: string[];
}

export interface PrepareOptions {
  /** Overrides the config's target PostgreSQL major version (`--postgres`). */
  postgres?: number;
  /** Overrides the source's config (`--config`): already parsed. */
  config?: RepoConfig;
  /**
   * An invalid statistics file: `fail` (the CLI: exit 2, naming the file and JSON path) or `note`
   * (the app: one line in the comment, and the review goes on with the config's sizes). Default fail.
   */
  badStats?: 'fail' | 'note';
}

/** Step 1: what the change is, in the repository as the source sees it. */
export async function prepareChange(source: ChangeSource, options: PrepareOptions = {}): Promise<Prepared> {
  const repoConfig = options.config ?? (await configOf(source));
  if (options.postgres !== undefined) repoConfig.postgres = options.postgres;
  const statsNotes: string[] = [];
  const stats = await loadStats(source, repoConfig, options.badStats ?? 'fail', statsNotes);
  const config = resolveConfig(repoConfig, stats);
  const [head, spec] = await Promise.all([source.head(), source.change()]);
  await loadParser();
  const discovery = await discover(head, { globs: config.migrations, explicit: spec.kind === 'paths' ? spec.files : [] });
  const { change, modified } = await changeOf(spec, discovery, source, head);
  // Not application code: the migrations, their downs, verify and orphan down scripts.
  const migrationPaths = new Set([...discovery.migrations.flatMap((m) => (m.down ? [m.path, m.down.path] : [m.path])), ...discovery.extras.map((e) => e.path)]);
  // After head(): the source notes what it could not list while opening it.
  const notes = [...source.notes(), ...statsNotes];
  let code: Promise<CodeIndex> | null = null;
  const readCode = async (): Promise<CodeIndex> => {
    const { files, notes: codeNotes } = await readCodeFiles(head, migrationPaths, config.code);
    notes.push(...codeNotes);
    return codeIndexOf(files);
  };
  return { config, discovery, change, modified, code: () => (code ??= readCode()), notes };
}

async function configOf(source: ChangeSource): Promise<RepoConfig> {
  const found = await source.configText();
  return found ? parseConfig(found.text, found.path) : {};
}

/** The statistics file, parsed; an invalid one fails the run or becomes a note, as the adapter asked. */
async function loadStats(source: ChangeSource, repoConfig: RepoConfig, onBad: 'fail' | 'note', notes: string[]): Promise<LoadedStats | undefined> {
  const path = repoConfig.stats?.file ?? DEFAULT_STATS_PATH;
  try {
    const found = await source.statsText(path);
    if (!found && repoConfig.stats?.file) notes.push(`database statistics: stats.file names ${path}, which does not exist — sizes come from the config alone`);
    return found ? { file: found.path, data: parseStatsFile(found.text, found.path) } : undefined;
  } catch (error) {
    if (onBad === 'fail' || !(error instanceof StatsFileError)) throw error;
    notes.push(`database statistics: ${error.describe()} — sizes come from the config alone`);
    return undefined;
  }
}

/** The change as a set of migration paths (downs stand for their migration), and which of them edit merged files. */
async function changeOf(spec: ChangeSpec, discovery: Discovery, source: ChangeSource, head: RepoFiles): Promise<{ change: Set<string> | null; modified: Set<string> }> {
  const modified = new Set<string>();
  if (spec.kind === 'everything') return { change: null, modified };
  const byPath = new Map(discovery.migrations.map((m) => [m.path, m]));
  const ownerOfDown = new Map(discovery.migrations.filter((m) => m.down).map((m) => [m.down!.path, m]));
  // Links the review cannot follow are part of the change like files: each one is a finding.
  const standalone = new Set([...discovery.extras.map((e) => e.path), ...(discovery.unreadableLinks ?? []).map((l) => l.path)]);
  const change = new Set<string>();
  if (spec.kind === 'paths') {
    // Named files that are not migrations (or their downs and verify scripts) are not part of it.
    for (const path of spec.files) {
      const owner = byPath.get(path) ?? ownerOfDown.get(path);
      if (owner || standalone.has(path)) change.add(owner?.path ?? path);
    }
    const under = (dir: string, path: string): boolean => dir === '' || path.startsWith(`${dir}/`);
    for (const dir of spec.dirs) {
      for (const m of discovery.migrations) if (under(dir, m.path)) change.add(m.path);
      for (const path of standalone) if (under(dir, path)) change.add(path);
    }
    return { change, modified };
  }
  for (const file of withLinksTo(spec.files, head)) {
    if (file.status === 'removed') continue;
    const migration = byPath.get(file.path) ?? ownerOfDown.get(file.path);
    if (!migration && !standalone.has(file.path)) continue;
    change.add(migration?.path ?? file.path);
    if (file.status === 'modified' && migration?.path === file.path) {
      // An edit to a migration that already exists on the base: it will not run again where it
      // ran. Comment and whitespace edits do not change what runs.
      const before = await source.contentAtBase(file.path);
      if (before !== null && fingerprint(before) !== fingerprint(migration.upSql)) modified.add(file.path);
    }
  }
  return { change, modified };
}

/**
 * The diff's files, plus every link that leads to a changed file: editing the file a migration
 * links to edits the migration, though the diff lists only the file.
 */
function withLinksTo(files: ChangedFile[], head: RepoFiles): ChangedFile[] {
  const linksTo = new Map<string, string[]>();
  for (const link of head.links?.values() ?? []) if (link.file) linksTo.set(link.file, [...(linksTo.get(link.file) ?? []), link.path]);
  if (!linksTo.size) return files;
  const listed = new Set(files.map((f) => f.path));
  const extra = files.flatMap((f) => (f.status === 'removed' ? [] : (linksTo.get(f.path) ?? []).filter((p) => !listed.has(p)).map((path): ChangedFile => ({ path, status: 'modified' }))));
  return [...files, ...extra];
}

/** The number of migration files under review. */
export function changedCount(prepared: Prepared): number {
  return prepared.change === null ? prepared.discovery.migrations.length : prepared.change.size;
}

export interface DeterministicOptions {
  /** true: trace; false: do not; undefined: trace a change of at most TRACE_AUTO_FILES files. */
  trace?: boolean;
  traceOptions?: TraceOptions;
  /** Said while long steps run (the first trace builds the embedded cluster). */
  note?: (message: string) => void;
  /** After each reviewed file, for progress on long runs. */
  onFile?: (done: number, total: number, path: string) => void;
}

/** A review in progress: what the sources found before the policy, and the policy's result. */
export interface ReviewRun {
  prepared: Prepared;
  draft: Draft;
  review: Review;
}

/** Step 2: rules and trace side by side, merged, through the policy pass. */
export async function reviewDeterministic(prepared: Prepared, options: DeterministicOptions = {}): Promise<ReviewRun> {
  const { config, discovery, change } = prepared;
  const count = changedCount(prepared);
  const traceWanted = (options.trace ?? count <= TRACE_AUTO_FILES) && count > 0;
  if (traceWanted) options.note?.(`tracing ${count} migration file${count === 1 ? '' : 's'} in ${options.traceOptions?.databaseUrl ? 'PostgreSQL' : 'the embedded PostgreSQL'}…`);
  // Loaded only when used: PGlite and pg cost start-up time for every run. The trace boots its
  // database in a worker thread while the rules run here.
  const traceModule = traceWanted ? await import('../trace/index.js') : null;
  const tracing = traceModule?.startTrace({ discovery, change }, options.traceOptions ?? {});
  const needsCode = discovery.migrations.some((m) => (change === null || change.has(m.path)) && NEEDS_CODE.test(m.upSql));
  const code = needsCode ? await prepared.code() : null;
  const analysis = await analyze({ discovery, change, config, modified: prepared.modified, codeRefs: code ? (t, c, mapped) => code.search(t, c, mapped) : undefined, codeAvailable: !!code && code.fileCount > 0, onFile: options.onFile });
  const draft: Draft = { ...analysis, skipped: [], postgres: config.postgres };
  if (tracing && traceModule) {
    const emptyDowns = new Set(discovery.migrations.flatMap((m) => (m.down && isEmptyScript(m.down.sql) ? [m.down.path] : [])));
    const created = new Set(draft.createdTables.map((t) => t.replace(/^public\./, '')));
    const traced = traceModule.withTrace(draft.findings, await tracing, config, emptyDowns, created);
    draft.findings = traced.findings;
    if (traced.trace) draft.trace = traced.trace;
    draft.skipped.push(...traced.skipped);
  } else if (options.trace === undefined && count > 0) {
    draft.skipped.push(`lock trace: not run for ${count} files (more than ${TRACE_AUTO_FILES}); pass --trace to run it`);
  }
  // Notes last: the code search adds its own while the rules run.
  draft.skipped.push(...prepared.notes);
  return { prepared, draft, review: finalize(draft, config) };
}

export interface ClaudeRequest {
  env: LlmEnv;
  pr?: { title: string; body: string };
  /** Links Claude's text may keep (the repository, our docs). */
  allowedLinks?: string[];
}

/**
 * Step 3: Claude's review. Its proposals first pass the review policy (docs/judgment.md): what it
 * calls PASS, or a rule or trace finding already says, is dropped, and a BLOCK that cites no
 * statement and BLOCK policy line counts as FLAG — each said in a note. The rest join the draft
 * like any other source's findings and go through the same policy pass, so they can raise a
 * category, be turned off or acknowledged, and never lower what the rules and the trace found.
 */
export async function addClaude(run: ReviewRun, request: ClaudeRequest): Promise<ReviewRun> {
  const { config, discovery, change } = run.prepared;
  const code = await run.prepared.code();
  const { askClaudeToReview, applyClaudePolicy, loadPolicy, reviewedStatements } = await import('../llm/index.js');
  const contribution = await askClaudeToReview(
    run.review,
    { discovery, change, config, pr: request.pr, allowedLinks: request.allowedLinks, searchCode: (t, c) => code.search(t, c) },
    request.env,
  );
  const { kept, notes } = applyClaudePolicy(contribution.proposals, {
    existing: run.draft.findings,
    createdTables: run.draft.createdTables,
    config,
    policy: loadPolicy(),
    statements: await reviewedStatements(discovery, change, config),
  });
  const draft: Draft = { ...run.draft, findings: [...run.draft.findings, ...kept], skipped: [...run.draft.skipped, ...contribution.notes, ...notes] };
  const review = finalize(draft, config);
  // Claude's own sentence stands only when it argues for the verdict the policy reached.
  if (contribution.verdict === review.verdict && contribution.justification) review.justification = contribution.justification;
  return { prepared: run.prepared, draft, review };
}

/** Step 4: the production runbook of the change (the PR comment's Runbook section). */
export async function runbookFor(run: ReviewRun): Promise<string | undefined> {
  if (run.prepared.change === null || changedCount(run.prepared) === 0) return undefined;
  const { renderRunbook } = await import('../runbook/runbook.js');
  return renderRunbook({ review: run.review, discovery: run.prepared.discovery, change: run.prepared.change, config: run.prepared.config });
}

export interface ReviewOptions extends DeterministicOptions, PrepareOptions {
  /** Add Claude's review (the CLI's --llm). */
  claude?: ClaudeRequest;
}

/** Steps 1–3 in one call, for adapters that wait for the whole review (the CLI). */
export async function reviewChange(source: ChangeSource, options: ReviewOptions = {}): Promise<ReviewRun> {
  const prepared = await prepareChange(source, options);
  const run = await reviewDeterministic(prepared, options);
  if (!options.claude) return run;
  options.note?.('asking Claude for its review…');
  return addClaude(run, options.claude);
}

/**
 * Step 1 for callers that already hold the discovered repository (tests, drift, the rule tester):
 * the same Prepared the sources lead to, without reading a source.
 */
export function preparedOf(parts: { discovery: Discovery; change: Set<string> | null; config: ResolvedConfig; modified?: Set<string>; code?: CodeIndex }): Prepared {
  const code = parts.code ?? codeIndexOf([]);
  return { config: parts.config, discovery: parts.discovery, change: parts.change, modified: parts.modified ?? new Set(), code: () => Promise.resolve(code), notes: [] };
}
