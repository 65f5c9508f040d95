import type { MigrationFile } from '../core/types.js';
import type { Discovery } from '../discover/index.js';
import { expandStatements } from '../sql/expand.js';
import { parseSql, type Statement } from '../sql/parse.js';
import { catalogDifferences, readCatalog } from './catalog-snapshot.js';
import { DEFAULT_MEMORY_MB, SqlError, TraceKilled, TraceTimeout, type Executor } from './executor.js';
import { LOCK_STRENGTH } from './lock-modes.js';
import { refusal, ROLE_STATEMENTS } from './sandbox.js';

/**
 * The lock trace: the change's up migrations really run, statement by statement, with the
 * framework's transaction semantics, against the schema the earlier migrations build. For each
 * statement it records the relation locks the session holds (pg_locks), which tables got new
 * storage (pg_class.relfilenode: a rewrite), errors, and until which statement each lock is held.
 * Then the down runs, and the catalog is compared with the one before the up.
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
  /** For killed: the sandbox's limit it hit ("5000 ms", "1024 MB"). */
  stoppedBy?: 'time' | 'memory';
  limit?: string;
  code?: string;
  locks: LockTrace[];
  /** Existing tables (and indexes) that got new storage: rewritten. */
  rewrites: string[];
  /** Time PostgreSQL spent on the statement itself. */
  ms: number;
  /** Time the trace spent on it: the statement plus reading locks and storage before and after. */
  traceMs: number;
}

export interface FileTrace {
  path: string;
  txMode: MigrationFile['txMode'];
  statements: StatementTrace[];
  /** Why the file was not traced at all (too large, does not parse, the trace stopped earlier). */
  skipped?: string;
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

/** Tables with storage: a new relfilenode after a statement means it wrote the table anew. */
const USER_RELATIONS = `
  SELECT c.oid::regclass::text AS relation, c.relfilenode::text AS filenode
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`;

/** Table-level locks of this session (indexes follow their table; catalogs are not the user's). */
const SESSION_LOCKS = `
  SELECT l.relation::regclass::text AS relation, l.mode
  FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
    AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
    AND c.relkind IN ('r', 'p', 'm')`;

/** After a statement: the session's table locks and every table's storage, in one round trip. */
const STATE = `
  SELECT (SELECT coalesce(json_agg(json_build_array(l.relation, l.mode)), '[]'::json) FROM (${SESSION_LOCKS}) l)::text AS locks,
         (SELECT coalesce(json_object_agg(r.relation, r.filenode), '{}'::json) FROM (${USER_RELATIONS}) r)::text AS nodes`;

/**
 * The state queries, prepared once per session: planning them over the catalog views was ~5 ms of
 * the ~6 ms each took on PGlite, and they run after every traced statement. A migration's
 * DEALLOCATE or DISCARD can drop them (PREPARE outlives a ROLLBACK, nothing else drops them), so
 * those statements send the next read to check and prepare them again.
 */
const PREPARED: Record<string, string> = { migration_review_state: STATE, migration_review_relations: USER_RELATIONS };
const preparedIn = new WeakSet<Executor>();

async function executePrepared<T extends Record<string, unknown>>(executor: Executor, name: keyof typeof PREPARED): Promise<T[]> {
  if (!preparedIn.has(executor)) {
    const present = new Set((await executor.query<{ name: string }>('SELECT name FROM pg_prepared_statements')).map((r) => r.name));
    for (const [missing, sql] of Object.entries(PREPARED)) if (!present.has(missing)) await executor.exec(`PREPARE ${missing} AS ${sql}`, 10_000);
    preparedIn.add(executor);
  }
  return executor.query<T>(`EXECUTE ${name}`);
}

/** Call before running a migration statement: one that may drop prepared statements makes the next read check. */
function mayDropPrepared(executor: Executor, statement: Statement): void {
  if (statement.type === 'DeallocateStmt' || statement.type === 'DiscardStmt') preparedIn.delete(executor);
}

async function readState(executor: Executor): Promise<{ locks: [string, string][]; nodes: Map<string, string> }> {
  const [row] = await executePrepared<{ locks: string; nodes: string }>(executor, 'migration_review_state');
  return { locks: JSON.parse(row!.locks) as [string, string][], nodes: new Map(Object.entries(JSON.parse(row!.nodes) as Record<string, string>)) };
}

export { LOCK_STRENGTH } from './lock-modes.js';
const strength = (mode: string): number => LOCK_STRENGTH.indexOf(mode);

/**
 * Statements that name roles (grants, owners, row-level policies): the roles are not in the
 * traced database, so "role does not exist" here says nothing about production. They run inside
 * a savepoint and such a failure is skipped, not fatal.
 */
const NEEDS_ROLES = new Set([
  'GrantStmt',
  'AlterOwnerStmt',
  'AlterDefaultPrivilegesStmt',
  'CreatePolicyStmt',
  'AlterPolicyStmt',
  'AlterTableStmt',
  'CreateSchemaStmt',
  'AlterObjectSchemaStmt',
  'CreateFunctionStmt',
]);
const isMissingRole = (error: unknown): boolean => error instanceof SqlError && error.code === '42704' && /\brole\b.*does not exist/.test(error.message);

/** Statements PostgreSQL refuses inside a transaction block: run bare, their locks cannot be read. */
function mustRunAlone(statement: Statement): boolean {
  const { type, node } = statement;
  if (type === 'IndexStmt' || type === 'ReindexStmt') return !!node.concurrent || /\bconcurrently\b/i.test(statement.text);
  if (type === 'DropStmt') return !!node.concurrent;
  if (type === 'VacuumStmt' || type === 'CreatedbStmt' || type === 'AlterSystemStmt') return true;
  // A DO block or CALL that commits between batches needs to own its transactions.
  if ((type === 'DoStmt' || type === 'CallStmt') && /\bcommit\b/i.test(statement.text)) return true;
  return false;
}

/** The statements a runner sends, each with the nested ones (DO bodies) it contains. */
function topLevel(file: MigrationFile, script: 'up' | 'down'): { statements: { statement: Statement; nested: Statement[] }[]; problem?: string } {
  const sql = script === 'up' ? file.upSql : file.down!.sql;
  const parsed = expandStatements(parseSql(sql, script === 'up' ? file.upStartLine : file.down!.startLine, script === 'up' ? file.chunks : undefined));
  if (parsed.problems.length) return { statements: [], problem: `line ${parsed.problems[0]!.line} does not parse` };
  const out: { statement: Statement; nested: Statement[] }[] = [];
  for (const statement of parsed.statements) {
    if (statement.nested) out[out.length - 1]?.nested.push(statement);
    else out.push({ statement, nested: [] });
  }
  return { statements: out };
}

/** Whether the runner wraps the whole file in one transaction. */
function runnerWraps(file: MigrationFile, count: number): boolean {
  return file.txMode === 'per-file' || file.txMode === 'all-pending' || (file.txMode === 'implicit' && count > 1);
}

class Clock {
  private readonly started = Date.now();
  constructor(private readonly totalMs: number) {}
  left(): number {
    return this.totalMs - (Date.now() - this.started);
  }
  elapsed(): number {
    return Date.now() - this.started;
  }
}

async function relfilenodes(executor: Executor): Promise<Map<string, string>> {
  const rows = await executePrepared<{ relation: string; filenode: string }>(executor, 'migration_review_relations');
  return new Map(rows.map((r) => [r.relation, r.filenode]));
}

/** Replays history into a fresh database: statement by statement, skipping what fails (with a note). */
export async function replayHistory(executor: Executor, history: MigrationFile[], limits: TraceLimits): Promise<TraceResult['base']> {
  const started = Date.now();
  const skipped: ReplayNote[] = [];
  let statements = 0;
  for (const file of history) {
    if (file.upSql.length > limits.maxFileBytes) {
      skipped.push({ file: file.path, line: file.upStartLine, message: 'too large to replay' });
      continue;
    }
    const { statements: list, problem } = topLevel(file, 'up');
    if (problem) {
      skipped.push({ file: file.path, line: file.upStartLine, message: problem });
      continue;
    }
    for (const { statement, nested } of list) {
      // Statements run one by one here, outside any transaction: transaction control has nothing
      // to do, and LOCK (which only lasts until its transaction ends) would only fail.
      if (statement.type === 'TransactionStmt' || statement.type === 'LockStmt') continue;
      statements++;
      if (ROLE_STATEMENTS.has(statement.type)) {
        skipped.push({ file: file.path, line: statement.line, message: 'not run: roles are shared by the whole server' });
        continue;
      }
      const refused = [statement, ...nested].map(refusal).find(Boolean);
      if (refused) {
        skipped.push({ file: file.path, line: statement.line, message: `not run: ${refused}` });
        continue;
      }
      try {
        await executor.exec(statement.text, limits.statementMs);
      } catch (error) {
        if (error instanceof TraceKilled) throw error;
        // Extensions PGlite lacks, roles, grants to roles that do not exist: noted, not fatal.
        skipped.push({ file: file.path, line: statement.line, message: (error as Error).message });
      }
    }
  }
  return { migrations: history.length, statements, skipped, snapshot: 'none', ms: Date.now() - started };
}

/**
 * Traces the change. Files are grouped by migration set; each set starts from its own history.
 * Everything is best effort within the limits: what could not run is said, never hidden.
 */
export async function traceChange(input: TraceInput, engine: TraceEngine, limits: TraceLimits = DEFAULT_LIMITS): Promise<TraceResult> {
  const clock = new Clock(limits.totalMs);
  const inChange = (path: string): boolean => input.change === null || input.change.has(path);
  const sets = new Map<string, MigrationFile[]>();
  for (const file of input.discovery.migrations) {
    const list = sets.get(file.set) ?? [];
    list.push(file);
    sets.set(file.set, list);
  }
  const result: TraceResult = { engine: 'pglite', base: { migrations: 0, statements: 0, skipped: [], snapshot: 'none', ms: 0 }, files: [], ms: 0 };
  for (const list of sets.values()) {
    list.sort((a, b) => a.order - b.order);
    const changed = list.filter((f) => inChange(f.path));
    if (!changed.length) continue;
    if (result.stopped) {
      for (const file of changed) result.files.push({ path: file.path, txMode: file.txMode, statements: [], skipped: result.stopped });
      continue;
    }
    const firstChanged = changed[0]!.order;
    const history = list.filter((f) => f.order < firstChanged);
    let executor: Executor | null = null;
    try {
      const opened = await engine.open(history, (e) => replayHistory(e, history, { ...limits, statementMs: Math.min(limits.statementMs, clock.left()) }), list);
      executor = opened.executor;
      result.engine = executor.engine;
      result.base = mergeBase(result.base, opened.base);
      // drizzle-orm's migrator runs every pending migration in one transaction: so does the trace.
      const tx = new Transaction();
      const spanning = changed.every((f) => f.txMode === 'all-pending');
      let lastTraced: { path: string; line: number } | null = null;
      if (spanning) {
        await executor.exec('BEGIN', limits.statementMs);
        tx.open = tx.spansFiles = true;
      }
      // Files of the set after the first changed one that are not in the change still run (untraced) in order.
      for (const file of list.filter((f) => f.order >= firstChanged)) {
        if (result.stopped) {
          if (inChange(file.path)) result.files.push({ path: file.path, txMode: file.txMode, statements: [], skipped: result.stopped });
          continue;
        }
        if (!inChange(file.path)) {
          await runQuietly(executor, file, 'up', limits, clock, tx.spansFiles);
          continue;
        }
        if (spanning && !tx.open) {
          // An earlier file failed and the runner's transaction is gone: nothing more runs.
          result.files.push({
            path: file.path,
            txMode: file.txMode,
            statements: [],
            skipped: 'not run: an earlier migration failed inside the same transaction',
          });
          continue;
        }
        const traced = await traceFile(executor, file, limits, clock, tx);
        result.files.push(traced.file);
        if (traced.stopped) result.stopped = traced.stopped;
        if (traced.last !== undefined && !traced.failed) lastTraced = { path: file.path, line: traced.last };
      }
      if (spanning && tx.open && !result.stopped) {
        await executor.exec('COMMIT', limits.statementMs);
        tx.release(lastTraced?.path ?? '', lastTraced?.line ?? 0);
      }
    } catch (error) {
      const reason = error instanceof TraceKilled ? `the trace stopped: a statement ${error.overran}` : `the trace could not run: ${(error as Error).message}`;
      result.stopped = reason;
      for (const file of changed)
        if (!result.files.some((f) => f.path === file.path)) result.files.push({ path: file.path, txMode: file.txMode, statements: [], skipped: reason });
    } finally {
      await executor?.close().catch(() => undefined);
    }
  }
  result.ms = clock.elapsed();
  return result;
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

/** Runs a script without tracing (moving the schema forward); errors are ignored like replay errors. */
async function runQuietly(
  executor: Executor,
  file: MigrationFile,
  script: 'up' | 'down',
  limits: TraceLimits,
  clock: Clock,
  insideOpenTransaction = false,
): Promise<{ error?: string; line?: number }> {
  const { statements, problem } = topLevel(file, script);
  if (problem) return { error: problem };
  const wraps = !insideOpenTransaction && runnerWraps(file, statements.length);
  if (wraps) await executor.exec('BEGIN', limits.statementMs);
  for (const { statement, nested } of statements) {
    const refused = [statement, ...nested].map(refusal).find(Boolean);
    if (refused || ROLE_STATEMENTS.has(statement.type)) continue;
    mayDropPrepared(executor, statement);
    try {
      await executor.exec(statement.text, Math.min(limits.statementMs, clock.left()));
    } catch (error) {
      if (error instanceof TraceKilled) throw error;
      if (wraps) await executor.exec('ROLLBACK', limits.statementMs).catch(() => undefined);
      return { error: (error as Error).message, line: statement.line };
    }
  }
  if (wraps) await executor.exec('COMMIT', limits.statementMs);
  return {};
}

/**
 * The open transaction: whether there is one, and the locks it holds (PostgreSQL releases none
 * before COMMIT) with the statement count at which each was taken. Shared by the files of one
 * set, so a runner that wraps all pending migrations in one transaction is traced as it runs.
 */
class Transaction {
  open = false;
  /** Opened by the trace around several files (drizzle-orm's migrator), not by one file. */
  spansFiles = false;
  private held: { lock: LockTrace; at: number; file: string }[] = [];
  private statements = 0;

  count(): void {
    this.statements++;
  }
  take(lock: LockTrace, file: string): void {
    this.held.push({ lock, at: this.statements, file });
  }
  strongest(relation: string): string | undefined {
    return this.held
      .filter((h) => h.lock.relation === relation)
      .reduce<string | undefined>((m, h) => (!m || strength(h.lock.mode) > strength(m) ? h.lock.mode : m), undefined);
  }
  release(file: string, line: number): void {
    for (const held of this.held) {
      held.lock.heldUntilLine = line;
      if (file !== held.file) held.lock.heldUntilFile = file;
      held.lock.heldForStatements = this.statements - held.at + 1;
    }
    this.held = [];
    this.statements = 0;
    this.open = false;
  }
}

async function traceFile(
  executor: Executor,
  file: MigrationFile,
  limits: TraceLimits,
  clock: Clock,
  tx: Transaction = new Transaction(),
): Promise<{ file: FileTrace; stopped?: string; failed?: boolean; last?: number }> {
  const out: FileTrace = { path: file.path, txMode: file.txMode, statements: [] };
  if (file.upSql.length > limits.maxFileBytes) {
    out.skipped = `not traced: ${(file.upSql.length / 1_000_000).toFixed(1)} MB is over the trace's ${(limits.maxFileBytes / 1_000_000).toFixed(1)} MB limit`;
    return { file: out };
  }
  const { statements, problem } = topLevel(file, 'up');
  if (problem) {
    out.skipped = `not traced: ${problem}`;
    return { file: out };
  }
  const catalogBefore = file.down ? await readCatalog(executor) : null;
  const baseRelations = await relfilenodes(executor);
  // Storage of every table as of the last statement: a change is a rewrite.
  let nodes = baseRelations;
  // A transaction the trace opened around all pending files is already open; else the runner's.
  const wraps = !tx.spansFiles && runnerWraps(file, statements.length);
  if (wraps) {
    await executor.exec('BEGIN', limits.statementMs);
    tx.open = true;
  }
  let inTx = tx.open;
  const release = (line: number): void => tx.release(file.path, line);
  const strongestHeld = (relation: string): string | undefined => tx.strongest(relation);
  let stopped: string | undefined;
  let failed = false;

  for (const { statement, nested } of statements) {
    const entry: StatementTrace = {
      file: file.path,
      line: statement.line,
      type: statement.type,
      sql: statement.text.length > 200 ? `${statement.text.slice(0, 197)}…` : statement.text,
      inTransaction: inTx,
      status: 'ok',
      locks: [],
      rewrites: [],
      ms: 0,
      traceMs: 0,
    };
    out.statements.push(entry);
    const traceStarted = Date.now();
    if (failed || stopped) {
      entry.status = 'skipped';
      entry.reason = stopped ?? 'not run: an earlier statement failed, so the runner stops here';
      continue;
    }
    const refused = [statement, ...nested].map(refusal).find(Boolean);
    if (refused) {
      entry.status = 'refused';
      entry.reason = `not run in the trace: ${refused}`;
      continue;
    }
    if (ROLE_STATEMENTS.has(statement.type)) {
      entry.status = 'skipped';
      entry.reason = 'roles are shared by the whole server: the trace does not create or change them';
      continue;
    }
    if (statement.type === 'TransactionStmt') {
      const kind = statement.node.kind as string;
      try {
        await executor.exec(statement.text, limits.statementMs);
      } catch (error) {
        entry.status = 'error';
        entry.reason = (error as Error).message;
      }
      if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') inTx = tx.open = true;
      if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK') {
        release(statement.line);
        inTx = false;
        if (kind === 'TRANS_STMT_ROLLBACK') nodes = await relfilenodes(executor);
      }
      continue;
    }
    const ownTx = !inTx && !mustRunAlone(statement);
    const started = Date.now();
    try {
      // Outside a transaction the locks are gone when the statement ends: run it in its own
      // transaction (same locks, same effect) so pg_locks can be read before the COMMIT.
      if (ownTx) await executor.exec('BEGIN', limits.statementMs);
      const guarded = NEEDS_ROLES.has(statement.type);
      if (guarded) await executor.exec('SAVEPOINT migration_review_roles', limits.statementMs);
      mayDropPrepared(executor, statement);
      try {
        await executor.exec(statement.text, Math.max(1, Math.min(limits.statementMs, clock.left())));
      } catch (error) {
        if (!guarded || !isMissingRole(error)) throw error;
        await executor.exec('ROLLBACK TO SAVEPOINT migration_review_roles', limits.statementMs);
        if (ownTx) await executor.exec('COMMIT', limits.statementMs);
        entry.status = 'skipped';
        entry.reason = `needs a role the trace does not have (${(error as Error).message})`;
        entry.ms = Date.now() - started;
        continue;
      }
      entry.ms = Date.now() - started;
      // SET / RESET / SHOW touch no table: nothing to read back.
      if (statement.type === 'VariableSetStmt' || statement.type === 'VariableShowStmt') {
        if (ownTx) {
          await executor.exec('COMMIT', limits.statementMs);
          release(statement.line);
        }
        entry.traceMs = Date.now() - traceStarted;
        continue;
      }
      const state = await readState(executor);
      if (inTx || ownTx) {
        tx.count();
        // Per table, the strongest mode held now; a stronger one than before is this statement's.
        const strongest = new Map<string, string>();
        for (const [relation, mode] of state.locks) {
          const current = strongest.get(relation);
          if (!current || strength(mode) > strength(current)) strongest.set(relation, mode);
        }
        for (const [relation, mode] of strongest) {
          const before = strongestHeld(relation);
          if (before && strength(before) >= strength(mode)) continue;
          const lock: LockTrace = { relation, mode, isNew: !baseRelations.has(relation), heldUntilLine: statement.line, heldForStatements: 1 };
          tx.take(lock, file.path);
          entry.locks.push(lock);
        }
      }
      if (ownTx) {
        await executor.exec('COMMIT', limits.statementMs);
        release(statement.line);
      }
      for (const [relation, node] of nodes) if (state.nodes.has(relation) && state.nodes.get(relation) !== node) entry.rewrites.push(relation);
      nodes = state.nodes;
      entry.traceMs = Date.now() - traceStarted;
    } catch (error) {
      entry.ms = Date.now() - started;
      if (error instanceof TraceKilled) {
        entry.status = 'killed';
        entry.stoppedBy = error instanceof TraceTimeout ? 'time' : 'memory';
        entry.limit = error.limit;
        // Shown after "STOPPED:": what the statement did, not "stopped" again.
        entry.reason = error instanceof TraceTimeout ? `${error.overran} (the trace's limit per statement)` : error.overran;
        stopped = `the trace stopped at ${file.path}:${statement.line}, which ${error.overran}`;
        continue;
      }
      entry.status = 'error';
      entry.reason = (error as Error).message;
      entry.code = error instanceof SqlError ? error.code : undefined;
      failed = true;
      if (inTx || ownTx) await executor.exec('ROLLBACK', limits.statementMs).catch(() => undefined);
      release(statement.line);
      inTx = false;
      nodes = await relfilenodes(executor);
    }
  }
  if (stopped) return { file: out, stopped };
  const last = statements[statements.length - 1]?.statement.endLine ?? file.upStartLine;
  if (inTx && !failed && !tx.spansFiles) {
    await executor.exec('COMMIT', limits.statementMs);
    release(last);
  }
  // Inside a transaction around all pending files, the down cannot be checked apart from the rest.
  if (file.down && catalogBefore && !failed && !tx.spansFiles) out.rollback = await checkRollback(executor, file, catalogBefore, limits, clock);
  return { file: out, failed, last };
}

/** Runs the down, compares the catalog with the one before the up, then re-applies the up. */
async function checkRollback(executor: Executor, file: MigrationFile, before: string[], limits: TraceLimits, clock: Clock): Promise<FileTrace['rollback']> {
  const down = file.down!.path;
  const schemaUnchanged = catalogDifferences(before, await readCatalog(executor)).length === 0;
  const result = await runQuietly(executor, file, 'down', limits, clock);
  if (result.error) return { status: 'failed', down, differences: [], reason: result.error, line: result.line };
  const after = await readCatalog(executor);
  const differences = catalogDifferences(before, after);
  // Forward again, so later files in the change see the schema they expect.
  await runQuietly(executor, file, 'up', limits, clock);
  return { status: differences.length ? 'differs' : 'restored', down, differences, ...(schemaUnchanged ? { schemaUnchanged } : {}) };
}
