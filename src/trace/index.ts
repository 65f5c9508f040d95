import type { ResolvedConfig } from '../config/schema.js';
import { applyAcks, parseAcks } from '../core/acks.js';
import { assemble } from '../core/review.js';
import type { Finding, Review } from '../core/types.js';
import type { Discovery } from '../discover/index.js';
import { RULES_BY_ID } from '../rules/index.js';
import { parseSql } from '../sql/parse.js';
import { pgliteEngine, postgresEngine, type WarmStarts } from './engines.js';
import { reconcile, type Disproved } from './reconcile.js';
import { DEFAULT_LIMITS, traceChange, type TraceLimits, type TraceResult } from './trace.js';

export { DEFAULT_LIMITS, type TraceResult } from './trace.js';
export { WarmStarts } from './engines.js';

export interface TracedReview extends Review {
  /** The lock trace, per statement (extra to the JSON contract). */
  trace?: TraceResult & { disproved: Disproved[] };
}

export interface TraceOptions {
  /** A real PostgreSQL to trace on (a throwaway database is created there); default: PGlite. */
  databaseUrl?: string;
  limits?: Partial<TraceLimits>;
  cacheDir?: string;
  useCache?: boolean;
  /** PGlite instances booted ahead for the next trace on the same base (a long-lived process). */
  warm?: WarmStarts;
}

/**
 * Starts the lock trace. It does not depend on the static review, so callers start it first and
 * let PGlite boot in its worker while the rules run. Never rejects: a trace that cannot run
 * resolves to the reason.
 */
export function startTrace(input: { discovery: Discovery; change: Set<string> | null }, options: TraceOptions = {}): Promise<TraceResult | Error> {
  const engine = options.databaseUrl
    ? postgresEngine(options.databaseUrl)
    : pgliteEngine({ cacheDir: options.cacheDir, useCache: options.useCache, warm: options.warm, memoryMb: options.limits?.memoryMb });
  return traceChange(input, engine, { ...DEFAULT_LIMITS, ...options.limits }).catch((error: unknown) =>
    error instanceof Error ? error : new Error(String(error)),
  );
}

/** Merges a finished trace into the static review; the verdict is computed again. */
export function mergeTrace(review: Review, trace: TraceResult | Error, input: { discovery: Discovery; config: ResolvedConfig }): TracedReview {
  if (trace instanceof Error) return { ...review, skipped: [...(review.skipped ?? []), `lock trace: ${trace.message}`] };
  const { findings, disproved } = reconcile(review.findings, trace, input.config);
  ackTraceFindings(findings, input.discovery, input.config);
  const merged = assemble(findings, review.files, review.postgres ?? input.config.postgres, review.skipped ?? []);
  return { ...merged, trace: { ...trace, disproved } };
}

/** Static review first, then the trace, merged: for callers that already have the review. */
export async function traceReview(
  review: Review,
  input: { discovery: Discovery; change: Set<string> | null; config: ResolvedConfig },
  options: TraceOptions = {},
): Promise<TracedReview> {
  return mergeTrace(review, await startTrace(input, options), input);
}

/** Trace findings honour the same acks as rule findings (the review already reported bad acks). */
function ackTraceFindings(findings: Finding[], discovery: Discovery, config: ResolvedConfig): void {
  const traced = findings.filter((f) => f.source === 'trace');
  const known = new Set(RULES_BY_ID.keys());
  for (const path of new Set(traced.map((f) => f.file))) {
    const migration = discovery.migrations.find((m) => m.path === path || m.down?.path === path);
    if (!migration) continue;
    const script =
      migration.path === path ? { sql: migration.upSql, start: migration.upStartLine } : { sql: migration.down!.sql, start: migration.down!.startLine };
    if (script.sql.length > config.thresholds.maxFileBytes) continue; // not parsed by the review either
    const lines = parseSql(script.sql, script.start)
      .statements.filter((s) => !s.nested)
      .map((s) => s.line);
    const { acks } = parseAcks(script.sql, script.start, lines);
    applyAcks(
      traced.filter((f) => f.file === path),
      acks,
      path,
      known,
      config.acks.allowBlock,
    );
  }
}
