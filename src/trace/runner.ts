import type { MigrationFile } from '../core/types.js';
import type { Statement } from '../sql/parse.js';
import { rangeVarName } from '../sql/ast.js';
import { SqlError, TraceEngineFailed, TraceKilled, TraceTimeout, type Executor } from './executor.js';
import { LOCK_STRENGTH } from './lock-modes.js';
import { refusal, ROLE_STATEMENTS } from './sandbox.js';
import { distrust, readState, relfilenodes, untrustedReasons } from './state.js';
import { mustRunAlone, runnerWraps, topLevel, type TopLevelStatement } from './statements.js';
import { steeringAttempts } from './tampering.js';
import type { FileTrace, LockTrace, StatementTrace, TraceLimits } from './trace.js';

/**
 * The statement runner: runs a migration's statements one by one with its runner's transaction
 * semantics, and after each reads back the locks the session holds and the storage of every table.
 */

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

/** The trace's time budget, from its start. */
export class Clock {
  private readonly started = Date.now();
  constructor(readonly totalMs: number) {}
  left(): number {
    return this.totalMs - (Date.now() - this.started);
  }
  elapsed(): number {
    return Date.now() - this.started;
  }
}

/** The trace's own total budget ran out: what was not traced says nothing about the migration. */
export class BudgetSpent extends Error {
  constructor(readonly totalMs: number) {
    super(`the trace's total budget (${totalMs} ms) ran out`);
  }
}

/** Errors after which the executor cannot go on: the trace ends there. */
export const endsTheTrace = (error: unknown): boolean => error instanceof TraceKilled || error instanceof BudgetSpent || error instanceof TraceEngineFailed;

/**
 * Runs a migration statement under the limit per statement, or under what is left of the budget
 * when that is less. A statement stopped at that remainder was stopped by the budget, not by its
 * own limit; with nothing left it does not run at all. Either way: BudgetSpent.
 */
export async function execWithinBudget(executor: Executor, sql: string, statementMs: number, clock: Clock): Promise<void> {
  const left = clock.left();
  if (left <= 0) throw new BudgetSpent(clock.totalMs);
  const limit = Math.min(statementMs, left);
  try {
    await executor.exec(sql, limit);
  } catch (error) {
    if (error instanceof TraceTimeout && limit < statementMs) throw new BudgetSpent(clock.totalMs);
    throw error;
  }
}

/**
 * The open transaction: whether there is one, and the locks it holds (PostgreSQL releases none
 * before COMMIT) with the statement count at which each was taken. Shared by the files of one
 * set, so a runner that wraps all pending migrations in one transaction is traced as it runs.
 */
export class Transaction {
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

/** Runs a script without tracing (moving the schema forward); errors are ignored like replay errors. */
export async function runQuietly(
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
    distrust(executor, steeringAttempts(statement, nested));
    try {
      await execWithinBudget(executor, statement.text, limits.statementMs, clock);
    } catch (error) {
      if (endsTheTrace(error)) throw error;
      if (wraps) await executor.exec('ROLLBACK', limits.statementMs).catch(() => undefined);
      return { error: (error as Error).message, line: statement.line };
    }
  }
  if (wraps) await executor.exec('COMMIT', limits.statementMs);
  return {};
}

/** What tracing one file gave: its trace, and how it ended. */
export interface TracedFile {
  file: FileTrace;
  /** Why the whole trace must stop here (a killed statement: the executor is gone). */
  stopped?: string;
  /** A statement failed: the runner stops at it, and its transaction is rolled back. */
  failed?: boolean;
  /** Last line of the file, when its statements ran. */
  last?: number;
}

/** Traces a file's up statement by statement, inside `tx` when the trace opened one around several files. */
export async function traceFile(
  executor: Executor,
  file: MigrationFile,
  limits: TraceLimits,
  clock: Clock,
  tx: Transaction = new Transaction(),
): Promise<TracedFile> {
  const out: FileTrace = { path: file.path, txMode: file.txMode, framework: file.framework, statements: [] };
  if (file.upSql.length > limits.maxFileBytes) {
    out.skipped = `not traced: ${(file.upSql.length / 1_000_000).toFixed(1)} MB is over the trace's ${(limits.maxFileBytes / 1_000_000).toFixed(1)} MB limit`;
    return { file: out };
  }
  const { statements, problem } = topLevel(file, 'up');
  if (problem) {
    out.skipped = `not traced: ${problem}`;
    return { file: out };
  }
  const run = new FileRun(executor, file, limits, clock, tx, out, await relfilenodes(executor));
  // A transaction the trace opened around all pending files is already open; else the runner's.
  if (!tx.spansFiles && runnerWraps(file, statements.length)) await run.begin();
  for (const sent of statements) await run.statement(sent);
  const untrusted = untrustedReasons(executor);
  if (untrusted.length) out.untrusted = untrusted;
  if (run.stopped) return { file: out, stopped: run.stopped };
  const last = statements[statements.length - 1]?.statement.endLine ?? file.upStartLine;
  await run.finish(last);
  return { file: out, failed: run.failed, last };
}

/** One file being traced: the transaction state and the storage seen so far, statement by statement. */
class FileRun {
  inTx: boolean;
  /** Storage of every table as of the last statement: a change is a rewrite. */
  private nodes: Map<string, string>;
  /** Why the whole trace stops here; with `stoppedBy` and `notTraced` when the rest of the file is not traced because of the trace itself. */
  stopped: string | undefined;
  private stoppedBy: 'budget' | 'engine' | undefined;
  private notTraced: { reason: string; limit?: string } | undefined;
  failed = false;

  constructor(
    private readonly executor: Executor,
    private readonly file: MigrationFile,
    private readonly limits: TraceLimits,
    private readonly clock: Clock,
    private readonly tx: Transaction,
    private readonly out: FileTrace,
    /** Tables that existed before the file: locks on others block nobody. */
    private readonly baseRelations: Map<string, string>,
  ) {
    this.nodes = baseRelations;
    this.inTx = tx.open;
  }

  async begin(): Promise<void> {
    await this.executor.exec('BEGIN', this.limits.statementMs);
    this.tx.open = this.inTx = true;
  }

  /** Commits what the runner would commit at the end of the file. */
  async finish(last: number): Promise<void> {
    if (this.inTx && !this.failed && !this.tx.spansFiles) {
      await this.executor.exec('COMMIT', this.limits.statementMs);
      this.release(last);
    }
  }

  private release(line: number): void {
    this.tx.release(this.file.path, line);
  }

  async statement({ statement, nested }: TopLevelStatement): Promise<void> {
    const entry: StatementTrace = {
      file: this.file.path,
      line: statement.line,
      type: statement.type,
      sql: statement.text.length > 200 ? `${statement.text.slice(0, 197)}…` : statement.text,
      inTransaction: this.inTx,
      status: 'ok',
      locks: [],
      rewrites: [],
      ms: 0,
      traceMs: 0,
    };
    this.out.statements.push(entry);
    if (!this.notRun(entry, statement, nested)) {
      if (statement.type === 'TransactionStmt') await this.transactionControl(entry, statement);
      else await this.traced(entry, statement, nested);
    }
    const untrusted = untrustedReasons(this.executor);
    if (untrusted.length) entry.untrusted = untrusted;
  }

  /** Marks a statement the trace does not run, and why; false when it runs. */
  private notRun(entry: StatementTrace, statement: Statement, nested: Statement[]): boolean {
    if (this.stopped && this.stoppedBy) {
      Object.assign(entry, { status: 'skipped', stoppedBy: this.stoppedBy, ...this.notTraced });
      return true;
    }
    if (this.failed || this.stopped) {
      entry.status = 'skipped';
      entry.reason = this.stopped ?? 'not run: an earlier statement failed, so the runner stops here';
      return true;
    }
    const refused = [statement, ...nested].map(refusal).find(Boolean);
    if (refused) {
      entry.status = 'refused';
      entry.reason = `not run in the trace: ${refused}`;
      return true;
    }
    if (ROLE_STATEMENTS.has(statement.type)) {
      entry.status = 'skipped';
      entry.reason = 'roles are shared by the whole server: the trace does not create or change them';
      return true;
    }
    return false;
  }

  /** BEGIN, COMMIT, ROLLBACK written in the migration. */
  private async transactionControl(entry: StatementTrace, statement: Statement): Promise<void> {
    const kind = statement.node.kind as string;
    try {
      await this.executor.exec(statement.text, this.limits.statementMs);
    } catch (error) {
      entry.status = 'error';
      entry.reason = (error as Error).message;
    }
    if (kind === 'TRANS_STMT_BEGIN' || kind === 'TRANS_STMT_START') this.inTx = this.tx.open = true;
    if (kind === 'TRANS_STMT_COMMIT' || kind === 'TRANS_STMT_ROLLBACK') {
      this.release(statement.line);
      this.inTx = false;
      if (kind === 'TRANS_STMT_ROLLBACK') this.nodes = await relfilenodes(this.executor);
    }
  }

  /** Runs a statement and reads back what it locked and rewrote. */
  private async traced(entry: StatementTrace, statement: Statement, nested: Statement[]): Promise<void> {
    const traceStarted = Date.now();
    distrust(this.executor, steeringAttempts(statement, nested));
    // Outside a transaction the locks are gone when the statement ends: run it in its own
    // transaction (same locks, same effect) so pg_locks can be read before the COMMIT.
    const ownTx = !this.inTx && !mustRunAlone(statement);
    const started = Date.now();
    try {
      if (ownTx) await this.executor.exec('BEGIN', this.limits.statementMs);
      const ran = await this.runGuarded(entry, statement, ownTx);
      entry.ms = Date.now() - started;
      if (!ran) return;
      // SET / RESET / SHOW touch no table: nothing to read back.
      if (statement.type !== 'VariableSetStmt' && statement.type !== 'VariableShowStmt') await this.readBack(entry, statement, nested, ownTx);
      else if (ownTx) await this.commitOwn(statement);
      entry.traceMs = Date.now() - traceStarted;
    } catch (error) {
      entry.ms = Date.now() - started;
      await this.failedWith(entry, statement, ownTx, error);
    }
  }

  /**
   * Runs the statement itself; one that names a role runs inside a savepoint, and a missing role
   * skips it (false) instead of failing the migration.
   */
  private async runGuarded(entry: StatementTrace, statement: Statement, ownTx: boolean): Promise<boolean> {
    const guarded = NEEDS_ROLES.has(statement.type);
    // Outside a transaction block (a statement that must run alone) there is no savepoint to take,
    // and none is needed: the failed statement alone is undone.
    const savepoint = guarded && (this.inTx || ownTx);
    if (savepoint) await this.executor.exec('SAVEPOINT migration_review_roles', this.limits.statementMs);
    try {
      await execWithinBudget(this.executor, statement.text, this.limits.statementMs, this.clock);
      return true;
    } catch (error) {
      if (!guarded || !isMissingRole(error)) throw error;
      if (savepoint) await this.executor.exec('ROLLBACK TO SAVEPOINT migration_review_roles', this.limits.statementMs);
      if (ownTx) await this.executor.exec('COMMIT', this.limits.statementMs);
      entry.status = 'skipped';
      entry.reason = `needs a role the trace does not have (${(error as Error).message})`;
      return false;
    }
  }

  private async commitOwn(statement: Statement): Promise<void> {
    await this.executor.exec('COMMIT', this.limits.statementMs);
    this.release(statement.line);
  }

  /** After the statement: the locks it took (while its transaction is open) and the tables it rewrote. */
  private async readBack(entry: StatementTrace, statement: Statement, nested: Statement[], ownTx: boolean): Promise<void> {
    const state = await readState(this.executor);
    if (this.inTx || ownTx) {
      this.tx.count();
      this.recordLocks(entry, statement, state.locks);
    }
    if (ownTx) await this.commitOwn(statement);
    const truncated = truncatedBy(statement, nested);
    for (const [relation, node] of this.nodes) {
      const renewed = state.nodes.has(relation) && state.nodes.get(relation) !== node;
      if (renewed && truncated !== 'all' && !truncated.has(relation.replace(/"/g, ''))) entry.rewrites.push(relation);
    }
    this.nodes = state.nodes;
  }

  /** Per table, the strongest mode held now; a stronger one than the transaction held before is this statement's. */
  private recordLocks(entry: StatementTrace, statement: Statement, locks: [string, string][]): void {
    const strongest = new Map<string, string>();
    for (const [relation, mode] of locks) {
      const current = strongest.get(relation);
      if (!current || strength(mode) > strength(current)) strongest.set(relation, mode);
    }
    for (const [relation, mode] of strongest) {
      const before = this.tx.strongest(relation);
      if (before && strength(before) >= strength(mode)) continue;
      const lock: LockTrace = { relation, mode, isNew: !this.baseRelations.has(relation), heldUntilLine: statement.line, heldForStatements: 1 };
      this.tx.take(lock, this.file.path);
      entry.locks.push(lock);
    }
  }

  /** A statement that was stopped (the trace ends) or failed (the runner stops, its transaction rolls back). */
  private async failedWith(entry: StatementTrace, statement: Statement, ownTx: boolean, error: unknown): Promise<void> {
    if (error instanceof BudgetSpent || error instanceof TraceEngineFailed) {
      // The trace's own failure, not the statement's: it and the rest are not traced, and the trace ends.
      this.stoppedBy = error instanceof BudgetSpent ? 'budget' : 'engine';
      this.notTraced = { reason: `not traced: ${error.message}`, ...(error instanceof BudgetSpent ? { limit: `${error.totalMs} ms` } : {}) };
      this.stopped = `the trace stopped at ${this.file.path}:${statement.line}: ${error.message}`;
      Object.assign(entry, { status: 'skipped', stoppedBy: this.stoppedBy, ...this.notTraced });
      return;
    }
    if (error instanceof TraceKilled) {
      entry.status = 'killed';
      entry.stoppedBy = error instanceof TraceTimeout ? 'time' : 'memory';
      entry.limit = error.limit;
      // Shown after "STOPPED:": what the statement did, not "stopped" again.
      entry.reason = error instanceof TraceTimeout ? `${error.overran} (the trace's limit per statement)` : error.overran;
      this.stopped = `the trace stopped at ${this.file.path}:${statement.line}, which ${error.overran}`;
      return;
    }
    entry.status = 'error';
    entry.reason = (error as Error).message;
    entry.code = error instanceof SqlError ? error.code : undefined;
    this.failed = true;
    if (this.inTx || ownTx) await this.executor.exec('ROLLBACK', this.limits.statementMs).catch(() => undefined);
    this.release(statement.line);
    this.inTx = false;
    this.nodes = await relfilenodes(this.executor);
  }
}

/**
 * Tables a TRUNCATE empties: they get a new relfilenode, but nothing is copied, so it is no
 * rewrite. A TRUNCATE statement renews only tables it empties (those named, their partitions and,
 * with CASCADE, the tables referencing them); one inside a DO block, only those it names.
 */
function truncatedBy(statement: Statement, nested: Statement[]): Set<string> | 'all' {
  if (statement.type === 'TruncateStmt') return 'all';
  const names = nested
    .filter((s) => s.type === 'TruncateStmt')
    .flatMap((s) => ((s.node.relations as Record<string, unknown>[] | undefined) ?? []).map((r) => rangeVarName(r)));
  return new Set(names);
}
