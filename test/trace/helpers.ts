import { resolveConfig, type RepoConfig } from '../../src/config/schema.js';
import type { Review } from '../../src/core/types.js';
import { preparedOf, reviewDeterministic } from '../../src/review/pipeline.js';
import { discover, listRepoFiles, repoFiles } from '../../src/discover/index.js';
import { TEST_CACHE_DIR } from '../rule-tester.js';
import type { TraceOptions } from '../../src/trace/index.js';
import { pgliteEngine } from '../../src/trace/engines.js';
import { DEFAULT_LIMITS, traceChange, type TraceLimits, type TraceResult } from '../../src/trace/trace.js';
import { makeRepo } from '../helpers.js';

/** A repository from `{ path: sql }`; the files in `change` are the change under review. */
export async function discovered(files: Record<string, string>, change: string[]): Promise<{ discovery: Awaited<ReturnType<typeof discover>>; change: Set<string>; root: string }> {
  const root = await makeRepo(files);
  const discovery = await discover(repoFiles(root, await listRepoFiles(root)), {});
  return { discovery, change: new Set(change), root };
}

export async function trace(files: Record<string, string>, change: string[], limits: Partial<TraceLimits> = {}): Promise<TraceResult> {
  const { discovery, change: set } = await discovered(files, change);
  return traceChange({ discovery, change: set }, pgliteEngine({ cacheDir: TEST_CACHE_DIR }), { ...DEFAULT_LIMITS, ...limits });
}

export async function reviewWithTrace(files: Record<string, string>, change: string[], config: RepoConfig = {}, options: TraceOptions = {}): Promise<Review> {
  const { discovery, change: set } = await discovered(files, change);
  const prepared = preparedOf({ discovery, change: set, config: resolveConfig(config) });
  return (await reviewDeterministic(prepared, { trace: true, traceOptions: { cacheDir: TEST_CACHE_DIR, ...options } })).review;
}

/** Locks a statement took, as `table:Mode`. */
export function locksAt(result: TraceResult, file: string, line: number): string[] {
  const statement = result.files.find((f) => f.path === file)?.statements.find((s) => s.line === line);
  if (!statement) throw new Error(`no traced statement at ${file}:${line}`);
  return statement.locks.filter((l) => !l.isNew).map((l) => `${l.relation}:${l.mode}`);
}
