import type { MigrationFile } from '../core/types.js';
import type { Discovery } from '../discover/index.js';
import { DEFAULT_MEMORY_MB, TraceEngineFailed, TraceKilled, type Executor } from './executor.js';
import { replayHistory } from './replay.js';
import { checkRollback, readSchema } from './rollback.js';
import { BudgetSpent, Clock, runQuietly, traceFile, Transaction } from './runner.js';

/**
 * The lock trace: the change's up migrations really run, statement by statement, with the
 * framework's transaction semantics, against the schema the earlier migrations build. For each
 * statement it records the relation locks the session holds (pg_locks), which tables got new
 * storage (pg_class.relfilenode: a rewrite), errors, and until which statement each lock is held.
 * Then the down runs, and the catalog is compared with the one before the up.
 *
 * This file holds the trace's types and its outline (`traceChange`); the parts live beside it:
 * state.ts (what is read back after each statement), statements.ts (what a runner sends and how),
 * runner.ts (running a file statement by statement), replay.ts (the earlier migrations) and
 * rollback.ts (running the down).
 */

export interface TraceLimits {
  /** Per statement; a statement that overruns is stopped and the trace ends. */
  statementMs: number;
  /** The whole trace (replay included). */
  totalMs: number;
  /** Files larger than this are not traced. */
  maxFileBytes: number;
  /** The embedded database's memory (PGlite); a statement that needs more is stopped and the trace ends. */
  memoryMb: number;
}

export const DEFAULT_LIMITS: TraceLimits = { statementMs: 5_000, totalMs: 60_000, maxFileBytes: 1_000_000, memoryMb: DEFAULT_MEMORY_MB };

export interface LockTrace {
  relation: string;
  mode: string;
  /** Created by this change (its locks block nobody). */
  isNew: boolean;
  /** Line of the statement that ends the transaction holding it (this line when it commits alone). */
  heldUntilLine: number;
  /** Set when that statement is in a later file (one transaction around all pending migrations). */
  heldUntilFile?: string;
  /** Statements run while it was held, this one included. */
  heldForStatements: number;
}

export type StatementStatus = 'ok' | 'error' | 'refused' | 'killed' | 'skipped';

export interface StatementTrace {
  file: string;
  line: number;
  type: string;
  sql: string;
  inTransaction: boolean;
  status: StatementStatus;
  /** For error / refused / killed / skipped: what happened. */
  reason?: string;
  /**
   * For killed: the sandbox's limit it hit, time or memory ("5000 ms", "1024 MB" in `limit`) — a
   * fact about the statement. For skipped: what stopped the trace before it could trace this
   * statement, which says nothing about the migration: `budget`, the trace's total time ran out
   * (`limit` holds the total, "60000 ms"); `engine`, the trace engine itself broke (a JavaScript
   * error in PGlite, a lost connection, a read-back that came back empty).
   */
  stoppedBy?: 'time' | 'memory' | 'budget' | 'engine';
  limit?: string;
  code?: string;
  locks: LockTrace[];
  /** Existing tables (and indexes) that got new storage: rewritten. */
  rewrites: string[];
  /** Time PostgreSQL spent on the statement itself. */
  ms: number;
  /** Time the trace spent on it: the statement plus reading locks and storage before and after. */
  traceMs: number;
  /**
   * Why what the trace read after this statement cannot be trusted to lower a finding: this
   * statement or an earlier one in the same session tried to steer the read-back (changed
   * search_path, ran PREPARE / DEALLOCATE / DISCARD, created an object named like a system catalog,
   * replaced the trace's prepared read-back). Absent when nothing was seen.
   */
  untrusted?: string[];
}

export interface FileTrace {
  path: string;
  txMode: MigrationFile['txMode'];
  /** The runner, when the file was traced (platforms such as Supabase bring schemas of their own). */
  framework?: string;
  statements: StatementTrace[];
  /** Why the file was not traced at all (too large, does not parse, the trace stopped earlier). */
  skipped?: string;
  /** Every reason its statements' read-back cannot be trusted to lower a finding (see StatementTrace.untrusted). */
  untrusted?: string[];
  rollback?: {
    status: 'restored' | 'differs' | 'failed' | 'not-run';
    down: string;
    differences: string[];
    reason?: string;
    line?: number;
    /** The up changed no schema (a data migration): the comparison says nothing about its data. */ schemaUnchanged?: boolean;
  };
}

export interface ReplayNote {
  file: string;
  line: number;
  message: string;
}

export interface TraceResult {
  engine: 'pglite' | 'postgres';
  base: { migrations: number; statements: number; skipped: ReplayNote[]; snapshot: 'warm' | 'cached' | 'built' | 'none'; ms: number };
  files: FileTrace[];
  /** Set when the whole trace was cut short (total limit, a killed statement). */
  stopped?: string;
  ms: number;
}

/** What the trace needs from the review: the discovered files and the change. */
export interface TraceInput {
  discovery: Discovery;
  change: Set<string> | null;
}

/** Starting point for a trace: an executor on an empty database, or one restored from a snapshot. */
export interface TraceEngine {
  /** Which engine this opens: the report names it even when it could not open (PGlite when absent). */
  readonly kind?: TraceResult['engine'];
  /**
   * A database with `history` applied; `replay` is called only when no snapshot exists. `set` is
   * every migration of the set, history included, for what must be ready before anything runs
   * (the extensions PGlite loads at start).
   */
  open(
    history: MigrationFile[],
    replay: (executor: Executor) => Promise<TraceResult['base']>,
    set?: MigrationFile[],
  ): Promise<{ executor: Executor; base: TraceResult['base'] }>;
}

/** The migrations of each set (one migrations directory), in the order the runner applies them. */
function migrationSets(migrations: MigrationFile[]): MigrationFile[][] {
  const sets = new Map<string, MigrationFile[]>();
  for (const file of migrations) {
    const list = sets.get(file.set) ?? [];
    list.push(file);
    sets.set(file.set, list);
  }
  return [...sets.values()].map((list) => list.sort((a, b) => a.order - b.order));
}

/** What every step of one trace shares. */
interface TraceRun {
  engine: TraceEngine;
  limits: TraceLimits;
  clock: Clock;
  result: TraceResult;
  inChange: (path: string) => boolean;
}

/**
 * Traces the change. Files are grouped by migration set; each set starts from its own history.
 * Everything is best effort within the limits: what could not run is said, never hidden.
 */
export async function traceChange(input: TraceInput, engine: TraceEngine, limits: TraceLimits = DEFAULT_LIMITS): Promise<TraceResult> {
  const run: TraceRun = {
    engine,
    limits,
    clock: new Clock(limits.totalMs),
    result: { engine: engine.kind ?? 'pglite', base: { migrations: 0, statements: 0, skipped: [], snapshot: 'none', ms: 0 }, files: [], ms: 0 },
    inChange: (path) => input.change === null || input.change.has(path),
  };
  for (const list of migrationSets(input.discovery.migrations)) {
    const changed = list.filter((f) => run.inChange(f.path));
    if (!changed.length) continue;
    if (run.result.stopped) skipFiles(run.result, changed, run.result.stopped);
    else await traceSet(run, list, changed);
  }
  run.result.ms = run.clock.elapsed();
  return run.result;
}

/** Lists changed files that were not traced, with the reason. */
function skipFiles(result: TraceResult, files: MigrationFile[], reason: string): void {
  for (const file of files)
    if (!result.files.some((f) => f.path === file.path)) result.files.push({ path: file.path, txMode: file.txMode, statements: [], skipped: reason });
}

/** One migration set: its history as the base, then its files from the first changed one on. */
async function traceSet(run: TraceRun, list: MigrationFile[], changed: MigrationFile[]): Promise<void> {
  const firstChanged = changed[0]!.order;
  const history = list.filter((f) => f.order < firstChanged);
  let executor: Executor | null = null;
  try {
    const opened = await run.engine.open(history, (e) => replayHistory(e, history, run.limits, run.clock), list);
    executor = opened.executor;
    run.result.engine = executor.engine;
    run.result.base = mergeBase(run.result.base, opened.base);
    await traceFrom(run, executor, list.filter((f) => f.order >= firstChanged), changed);
  } catch (error) {
    const reason =
      error instanceof TraceKilled
        ? `the trace stopped: a statement ${error.overran}`
        : error instanceof BudgetSpent || error instanceof TraceEngineFailed
          ? `not traced: ${error.message}`
          : `the trace could not run: ${(error as Error).message}`;
    run.result.stopped = reason;
    skipFiles(run.result, changed, reason);
  } finally {
    await executor?.close().catch(() => undefined);
  }
}

/** Runs the files in order: the changed ones traced, the others (untraced) in between. */
async function traceFrom(run: TraceRun, executor: Executor, files: MigrationFile[], changed: MigrationFile[]): Promise<void> {
  // drizzle-orm's migrator runs every pending migration in one transaction: so does the trace.
  const tx = new Transaction();
  const spanning = changed.every((f) => f.txMode === 'all-pending');
  let lastTraced: { path: string; line: number } | null = null;
  if (spanning) {
    await executor.exec('BEGIN', run.limits.statementMs);
    tx.open = tx.spansFiles = true;
  }
  for (const file of files) lastTraced = (await traceInSet(run, executor, file, tx)) ?? lastTraced;
  if (spanning && tx.open && !run.result.stopped) {
    await executor.exec('COMMIT', run.limits.statementMs);
    tx.release(lastTraced?.path ?? '', lastTraced?.line ?? 0);
  }
}

/** One file of the set; returns where it ended when it was traced and did not fail. */
async function traceInSet(run: TraceRun, executor: Executor, file: MigrationFile, tx: Transaction): Promise<{ path: string; line: number } | null> {
  if (run.result.stopped) {
    if (run.inChange(file.path)) run.result.files.push({ path: file.path, txMode: file.txMode, statements: [], skipped: run.result.stopped });
    return null;
  }
  if (!run.inChange(file.path)) {
    // Files of the set after the first changed one that are not in the change still run (untraced) in order.
    await runQuietly(executor, file, 'up', run.limits, run.clock, tx.spansFiles);
    return null;
  }
  if (tx.spansFiles && !tx.open) {
    // An earlier file failed and the runner's transaction is gone: nothing more runs.
    run.result.files.push({ path: file.path, txMode: file.txMode, statements: [], skipped: 'not run: an earlier migration failed inside the same transaction' });
    return null;
  }
  // Inside a transaction around all pending files, the down cannot be checked apart from the rest.
  const catalogBefore = file.down && !tx.spansFiles ? await readSchema(executor) : null;
  const traced = await traceFile(executor, file, run.limits, run.clock, tx);
  const ran = traced.last !== undefined && !traced.failed;
  run.result.files.push(traced.file);
  if (traced.stopped) run.result.stopped = traced.stopped;
  if (catalogBefore && ran) traced.file.rollback = await rollbackWithinBudget(run, executor, file, catalogBefore);
  return ran ? { path: file.path, line: traced.last! } : null;
}

/** The down, as far as the budget goes: one the budget cuts short is not run, and the trace ends there. */
async function rollbackWithinBudget(run: TraceRun, executor: Executor, file: MigrationFile, catalogBefore: string[]): Promise<FileTrace['rollback']> {
  try {
    return await checkRollback(executor, file, catalogBefore, run.limits, run.clock);
  } catch (error) {
    if (!(error instanceof BudgetSpent)) throw error;
    // The up may not have been applied again: nothing after this can run on the schema it expects.
    run.result.stopped = `the trace stopped in the down of ${file.path}: ${error.message}`;
    return { status: 'not-run', down: file.down!.path, differences: [], reason: `not run: ${error.message}` };
  }
}

const SNAPSHOT_COST = ['built', 'cached', 'warm'] as const;

function mergeBase(a: TraceResult['base'], b: TraceResult['base']): TraceResult['base'] {
  return {
    migrations: a.migrations + b.migrations,
    statements: a.statements + b.statements,
    skipped: [...a.skipped, ...b.skipped],
    // The costliest start of the sets says how the base was loaded.
    snapshot: SNAPSHOT_COST.find((kind) => a.snapshot === kind || b.snapshot === kind) ?? 'none',
    ms: a.ms + b.ms,
  };
}
