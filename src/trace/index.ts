import type { ResolvedConfig } from '../config/schema.js';
import { applyAcks, parseAcks } from '../core/acks.js';
import { assemble } from '../core/review.js';
import type { Finding, Review } from '../core/types.js';
import type { Discovery } from '../discover/index.js';
import { RULES_BY_ID } from '../rules/index.js';
import { parseSql } from '../sql/parse.js';
import { pgliteEngine, postgresEngine } from './engines.js';
import { reconcile, type Disproved } from './reconcile.js';
import { DEFAULT_LIMITS, traceChange, type TraceLimits, type TraceResult } from './trace.js';

export { DEFAULT_LIMITS, type TraceResult } from './trace.js';

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
}

/**
 * Runs the lock trace for a finished static review and merges the two: the verdict is computed
 * again from the reconciled findings. Failures of the trace itself never fail the review; they
 * are reported under `skipped`.
 */
export async function traceReview(review: Review, input: { discovery: Discovery; change: Set<string> | null; config: ResolvedConfig }, options: TraceOptions = {}): Promise<TracedReview> {
  const engine = options.databaseUrl ? postgresEngine(options.databaseUrl) : pgliteEngine({ cacheDir: options.cacheDir, useCache: options.useCache });
  let trace: TraceResult;
  try {
    trace = await traceChange(input, engine, { ...DEFAULT_LIMITS, ...options.limits });
  } catch (error) {
    return { ...review, skipped: [...(review.skipped ?? []), `lock trace: ${(error as Error).message}`] };
  }
  const { findings, disproved } = reconcile(review.findings, trace, input.config);
  ackTraceFindings(findings, input.discovery, input.config);
  const merged = assemble(findings, review.files, review.postgres ?? input.config.postgres, review.skipped ?? []);
  return { ...merged, trace: { ...trace, disproved } };
}

/** Trace findings honour the same acks as rule findings (the review already reported bad acks). */
function ackTraceFindings(findings: Finding[], discovery: Discovery, config: ResolvedConfig): void {
  const traced = findings.filter((f) => f.source === 'trace');
  const known = new Set(RULES_BY_ID.keys());
  for (const path of new Set(traced.map((f) => f.file))) {
    const migration = discovery.migrations.find((m) => m.path === path || m.down?.path === path);
    if (!migration) continue;
    const script = migration.path === path ? { sql: migration.upSql, start: migration.upStartLine } : { sql: migration.down!.sql, start: migration.down!.startLine };
    if (script.sql.length > config.thresholds.maxFileBytes) continue; // not parsed by the review either
    const lines = parseSql(script.sql, script.start).statements.filter((s) => !s.nested).map((s) => s.line);
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
