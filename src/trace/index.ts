import type { ResolvedConfig } from '../config/schema.js';
import type { Finding, Review, TraceReport } from '../core/types.js';
import type { Discovery } from '../discover/index.js';
import { pgliteEngine, postgresEngine, type WarmStarts } from './engines.js';
import { reconcile } from './reconcile.js';
import { DEFAULT_LIMITS, traceChange, type TraceLimits, type TraceResult } from './trace.js';

export { DEFAULT_LIMITS, type TraceResult } from './trace.js';
export { WarmStarts, warmInstancesFor } from './engines.js';

/** A review with its lock trace: the trace is part of `Review` now; the name stays for readers. */
export type TracedReview = Review;

export interface TraceOptions {
  /** A real PostgreSQL to trace on (a throwaway database is created there); default: PGlite. */
  databaseUrl?: string;
  /** With databaseUrl: trace even as a superuser (or a role with comparable rights). Unsafe for untrusted migrations. */
  allowSuperuser?: boolean;
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
    ? postgresEngine(options.databaseUrl, { allowSuperuser: options.allowSuperuser })
    : pgliteEngine({ cacheDir: options.cacheDir, useCache: options.useCache, warm: options.warm, memoryMb: options.limits?.memoryMb });
  return traceChange(input, engine, { ...DEFAULT_LIMITS, ...options.limits }).catch((error: unknown) =>
    error instanceof Error ? error : new Error(String(error)),
  );
}

/**
 * The static findings with what the trace saw: confirmed ones carry evidence, disproved ones are
 * gone (and listed in the report), and what only the trace saw is added. A trace that could not
 * run leaves the findings as they are and says why.
 */
export function withTrace(
  findings: Finding[],
  trace: TraceResult | Error,
  config: ResolvedConfig,
  emptyDowns?: ReadonlySet<string>,
  createdTables?: ReadonlySet<string>,
): { findings: Finding[]; trace?: TraceReport; skipped: string[] } {
  if (trace instanceof Error) return { findings, skipped: [`lock trace: ${trace.message}`] };
  const reconciled = reconcile(findings, trace, config, emptyDowns, createdTables);
  return { findings: reconciled.findings, trace: { ...trace, disproved: reconciled.disproved }, skipped: reconciled.notes };
}
