import { statSync, type Stats } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../config/load.js';
import { resolveConfig, type ResolvedConfig } from '../config/schema.js';
import { UsageError } from '../core/errors.js';
import { review } from '../core/review.js';
import { discover, listRepoFiles, repoFiles, type Discovery } from '../discover/index.js';
import { buildCodeIndex } from '../repo/code-refs.js';
import { renderJson } from '../render/json.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderText } from '../render/text.js';
import { fingerprint, loadParser } from '../sql/parse.js';
import type { TracedReview } from '../trace/index.js';
import { changedSince, contentAt, gitTopLevel, mergeBaseOf } from './git.js';

export interface CheckOptions {
  paths: string[];
  base?: string;
  format: 'text' | 'json' | 'markdown';
  failOn: 'block' | 'flag';
  config?: string;
  root?: string;
  postgres?: number;
  color: boolean;
  /** Run the lock trace: true, false, or undefined = on for a change of at most TRACE_AUTO_FILES files. */
  trace?: boolean;
  /** Trace on this PostgreSQL (a throwaway database is created there) instead of PGlite. */
  databaseUrl?: string;
  /** Add Claude's review (ANTHROPIC_API_KEY; ANTHROPIC_MODEL or config llm.model). */
  llm?: boolean;
  /** Per-statement trace limit in ms. */
  traceStatementMs?: number;
  /** Said on stderr while the trace prepares (the first run builds the embedded cluster). */
  note?: (message: string) => void;
  progress?: (done: number, total: number, path: string) => void;
}

/** Beyond this many changed files (a whole-history audit), the trace runs only when asked. */
export const TRACE_AUTO_FILES = 50;

/** Statements whose rules search the application code; the search is skipped without them. */
const NEEDS_CODE = /\b(drop\s+index|drop\s+table|drop\s+column|rename\s+)/i;

export async function runCheck(options: CheckOptions): Promise<{ review: TracedReview; output: string; exitCode: 0 | 1; discovery: Discovery; change: Set<string> | null; config: ResolvedConfig }> {
  const cwd = process.cwd();
  // `check <dir>` with one directory reviews that repository.
  let root = options.root ? resolve(options.root) : null;
  let paths = options.paths;
  if (!root && paths.length === 1 && isDirectory(resolve(paths[0]!))) {
    root = resolve(paths[0]!);
    paths = [];
  }
  root ??= (await gitTopLevel(cwd)) ?? cwd;
  if (!isDirectory(root)) throw new UsageError(`--root ${root}: not a directory`);

  const configPath = options.config ? resolve(options.config) : join(root, DEFAULT_CONFIG_PATH);
  const repoConfig = await loadConfigFile(configPath, !!options.config, options.config ?? DEFAULT_CONFIG_PATH);
  if (options.postgres !== undefined) repoConfig.postgres = options.postgres;
  const config = resolveConfig(repoConfig);

  const allPaths = await listRepoFiles(root);
  const repo = repoFiles(root, allPaths);

  const explicit: string[] = [];
  const dirs: string[] = [];
  for (const given of paths) {
    const absolute = resolve(given);
    const rel = relative(root, absolute).split(sep).join('/');
    if (rel.startsWith('..') || isAbsolute(rel)) throw new UsageError(`${given}: outside the repository root ${root} (use --root)`);
    // Synchronous: a run over thousands of named files should not pay an event-loop trip each.
    const info = statOf(absolute);
    if (!info) throw new UsageError(`${given}: no such file`);
    if (info.isDirectory()) dirs.push(rel);
    else explicit.push(rel);
  }

  await loadParser();
  const discovery = await discover(repo, { globs: config.migrations, explicit });
  const byPath = new Map(discovery.migrations.map((m) => [m.path, m]));
  const ownerOfDown = new Map(discovery.migrations.filter((m) => m.down).map((m) => [m.down!.path, m]));
  const extraPaths = new Set(discovery.extras.map((e) => e.path));
  let change: Set<string> | null = null;
  const modified = new Set<string>();
  if (options.base) {
    const changed = await changedSince(root, options.base);
    const mergeBase = await mergeBaseOf(root, options.base);
    change = new Set();
    for (const file of changed) {
      const migration = byPath.get(file.path) ?? ownerOfDown.get(file.path);
      if (!migration && !extraPaths.has(file.path)) continue;
      const path = migration?.path ?? file.path;
      change.add(path);
      if (file.status === 'modified' && migration && migration.path === file.path) {
        const before = await contentAt(root, mergeBase, file.path);
        // Comment and whitespace edits do not change what runs.
        if (before !== null && fingerprint(before) !== fingerprint(await repo.read(file.path))) modified.add(file.path);
      }
    }
  } else if (explicit.length || dirs.length) {
    change = new Set(explicit);
    for (const dir of dirs) {
      for (const m of discovery.migrations) if (dir === '' || m.path.startsWith(`${dir}/`)) change.add(m.path);
      for (const e of discovery.extras) if (dir === '' || e.path.startsWith(`${dir}/`)) change.add(e.path);
    }
    // A down file named on the command line stands for its migration.
    for (const path of explicit) {
      const owner = ownerOfDown.get(path);
      if (owner) change.add(owner.path);
    }
  }

  const changedSql = discovery.migrations.filter((m) => change === null || change.has(m.path)).map((m) => m.upSql);
  const codeIndex = changedSql.some((sql) => NEEDS_CODE.test(sql))
    ? buildCodeIndex(root, allPaths, new Set(discovery.migrations.flatMap((m) => [m.path, m.down?.path ?? ''])), config.code)
    : null;

  const changedCount = change === null ? discovery.migrations.length : change.size;
  const traceWanted = (options.trace ?? changedCount <= TRACE_AUTO_FILES) && changedCount > 0;
  // The trace boots its database in a worker thread while the rules run here.
  if (traceWanted) options.note?.(`tracing ${changedCount} migration file${changedCount === 1 ? '' : 's'} in ${options.databaseUrl ? 'PostgreSQL' : 'the embedded PostgreSQL'}…`);
  // Loaded only when used: PGlite, pg and the Anthropic SDK cost start-up time for every run.
  const traceModule = traceWanted ? await import('../trace/index.js') : null;
  const tracing = traceModule
    ? traceModule.startTrace({ discovery, change }, { databaseUrl: options.databaseUrl, limits: options.traceStatementMs ? { statementMs: options.traceStatementMs } : undefined })
    : null;
  let result: TracedReview = await review({ discovery, change, config, modified, codeRefs: codeIndex ? (t, c) => codeIndex.search(t, c) : undefined, onFile: options.progress });
  if (tracing && traceModule) result = traceModule.mergeTrace(result, await tracing, { discovery, config });
  else if (options.trace === undefined && changedCount > 0) {
    result = { ...result, skipped: [...(result.skipped ?? []), `lock trace: not run for ${changedCount} files (more than ${TRACE_AUTO_FILES}); pass --trace to run it`] };
  }
  if (options.llm) {
    options.note?.("asking Claude for its review…");
    const search = codeIndex ?? buildCodeIndex(root, allPaths, new Set(discovery.migrations.flatMap((m) => [m.path, m.down?.path ?? ''])), config.code);
    const { withClaude } = await import('../llm/index.js');
    result = await withClaude(result, { discovery, change, config, searchCode: (t, c) => search.search(t, c) }, { apiKey: process.env.ANTHROPIC_API_KEY || undefined, model: process.env.ANTHROPIC_MODEL || undefined, baseURL: process.env.ANTHROPIC_BASE_URL || undefined });
  }
  // The runbook is part of the PR comment only: not built for text or JSON.
  const withRunbook =
    options.format === 'markdown' && changedCount > 0 && change !== null ? { ...result, runbook: (await import('../runbook/runbook.js')).renderRunbook({ review: result, discovery, change, config }) } : result;
  const output = options.format === 'json' ? renderJson(result) : options.format === 'markdown' ? renderMarkdown(withRunbook, { docsBaseUrl: config.docsUrl ?? undefined }) : renderText(result, { color: options.color });
  const failing = options.failOn === 'flag' ? result.verdict !== 'SAFE_TO_SHIP' : result.verdict === 'BLOCK';
  return { review: result, output, exitCode: failing ? 1 : 0, discovery, change, config };
}

function isDirectory(path: string): boolean {
  return statOf(path)?.isDirectory() ?? false;
}

/** The file's stat, or null when there is none: missing, or a path through a file (ENOTDIR). */
function statOf(path: string): Stats | null {
  try {
    return statSync(path, { throwIfNoEntry: false }) ?? null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw error;
  }
}
