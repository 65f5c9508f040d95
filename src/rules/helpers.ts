import { escapeRegExp } from '../repo/code-refs.js';
import type { AlterTableCmd } from '@pgsql/types';
import type { Category, CodeRef, MigrationFile } from '../core/types.js';
import { as, indexColumns, rangeVarName, statementNode, strings, typeRef, type TypeRef } from '../sql/ast.js';
import type { Catalog, IndexInfo } from '../sql/catalog.js';
import type { Statement } from '../sql/parse.js';
import { classifyTypeChange, type TypeChange, type TypeChangeSession } from '../sql/pgfacts.js';
import type { RuleContext } from './define.js';

/** The table an ALTER TABLE statement changes ('' for ALTER INDEX/VIEW/…). */
export function alteredTable(statement: Statement): string {
  const alter = statementNode(statement, 'AlterTableStmt');
  if (!alter || (alter.objtype && alter.objtype !== 'OBJECT_TABLE')) return '';
  return rangeVarName(alter.relation);
}

/** The subcommands of an ALTER TABLE. */
export function alterCommands(statement: Statement): AlterTableCmd[] {
  const cmds = statementNode(statement, 'AlterTableStmt')?.cmds ?? [];
  return cmds.map((c) => as(c, 'AlterTableCmd')).filter((c): c is AlterTableCmd => !!c);
}

/** Calls `visit` for each subcommand of an ALTER TABLE on a table (not an index, view, …), with the table's name. */
export function forEachAlterCommand(statement: Statement, visit: (cmd: AlterTableCmd, table: string) => void): void {
  const table = alteredTable(statement);
  if (!table) return;
  for (const cmd of alterCommands(statement)) visit(cmd, table);
}

/**
 * forEachAlterCommand, only when the table existed before this change: one created earlier in
 * the change is empty and unused, so what a subcommand locks, scans or rewrites costs nothing.
 */
export function forEachAlterCommandOnExistingTable(ctx: Pick<RuleContext, 'isNew'>, statement: Statement, visit: (cmd: AlterTableCmd, table: string) => void): void {
  forEachAlterCommand(statement, (cmd, table) => {
    if (!ctx.isNew(table)) visit(cmd, table);
  });
}

/** An index a later statement builds: its columns and whether it is unique. */
export interface PlannedIndex {
  columns: string[];
  unique: boolean;
}

/**
 * The non-partial indexes the statements after `from` build on `table`: CREATE INDEX and ADD
 * UNIQUE / PRIMARY KEY. A migration that drops an index and then builds its replacement leaves
 * the table covered once it commits.
 */
export function indexesBuiltAfter(statements: readonly Statement[], from: Statement, table: string): PlannedIndex[] {
  const out: PlannedIndex[] = [];
  for (const statement of statements.slice(statements.indexOf(from) + 1)) {
    const index = statementNode(statement, 'IndexStmt');
    // A partial index serves only rows matching its predicate, not every lookup by its columns.
    if (index && rangeVarName(index.relation) === table && !index.whereClause) out.push({ columns: indexColumns(index.indexParams), unique: !!index.unique });
    if (alteredTable(statement) !== table) continue;
    for (const cmd of alterCommands(statement)) {
      const constraint = cmd.subtype === 'AT_AddConstraint' ? as(cmd.def, 'Constraint') : undefined;
      if (constraint?.contype === 'CONSTR_PRIMARY' || constraint?.contype === 'CONSTR_UNIQUE') out.push({ columns: strings(constraint.keys), unique: true });
    }
  }
  return out;
}

/**
 * When dropping `index` removes a uniqueness guarantee (no other unique index on exactly its
 * columns remains or is built later in the file), the sentence that says so; '' otherwise.
 */
export function lostUniqueness(catalog: Catalog, statements: readonly Statement[], from: Statement, index: IndexInfo): string {
  if (!index.unique) return '';
  const sameColumns = (columns: string[]): boolean => columns.length === index.columns.length && columns.every((c) => index.columns.includes(c));
  const others = [...catalog.indexesOn(index.table).filter((i) => i.name !== index.name && !i.expressionOrPartial), ...indexesBuiltAfter(statements, from, index.table)];
  if (others.some((other) => other.unique && sameColumns(other.columns))) return '';
  const columns = index.columns.join(', ');
  return ` It is UNIQUE: once it is gone nothing stops duplicate (${columns}) rows, and INSERT … ON CONFLICT (${columns}) fails for want of a matching unique index.`;
}

export interface ColumnTypeChange {
  column: string;
  /** The column's type before the statement, from the catalog (undefined: not known). */
  from: TypeRef | undefined;
  to: TypeRef;
  change: TypeChange;
}

/** What an `ALTER COLUMN … TYPE` subcommand changes: the column, its old and new type and what the change costs. Null for other subcommands. */
export function columnTypeChange(catalog: Catalog, table: string, cmd: AlterTableCmd, session: TypeChangeSession = {}): ColumnTypeChange | null {
  const def = as(cmd.def, 'ColumnDef');
  // The parser always gives ALTER COLUMN TYPE its column name and a ColumnDef with the new type.
  if (cmd.subtype !== 'AT_AlterColumnType' || !cmd.name || !def) return null;
  const from = catalog.column(table, cmd.name)?.type;
  const to = typeRef(def.typeName);
  return { column: cmd.name, from, to, change: classifyTypeChange(from, to, !!def.raw_default, session) };
}

/** TimeZone values with a fixed zero offset, under which PostgreSQL skips the timestamp ↔ timestamptz rewrite (each shown in test/facts). */
const UTC_ZONES = new Set(['utc', 'etc/utc', 'gmt', 'etc/gmt']);

/**
 * Whether the session TimeZone is UTC when `at` runs: the last `SET [LOCAL] TimeZone` before it in
 * the file names a zero-offset zone. A RESET, `SET TIME ZONE LOCAL` or another zone undoes it.
 */
export function sessionTimeZoneIsUtc(statements: readonly Statement[], at: Statement): boolean {
  let utc = false;
  for (const statement of statements.slice(0, statements.indexOf(at))) {
    const set = statementNode(statement, 'VariableSetStmt');
    if (set?.name !== 'timezone') continue;
    const value = as(set.args?.[0], 'A_Const');
    const zone = value?.sval?.sval?.toLowerCase();
    // `SET TIME ZONE 0` is an integer offset; libpg-query omits the 0.
    const zeroOffset = value?.ival !== undefined && !value.ival.ival;
    utc = set.kind === 'VAR_SET_VALUE' && ((zone !== undefined && UTC_ZONES.has(zone)) || zeroOffset);
  }
  return utc;
}

/** A `SET [LOCAL] name …` / `RESET name` statement: the setting, its value as written ('' for a reset) and its scope. */
export interface SettingChange {
  name: string;
  value: string;
  local: boolean;
  reset: boolean;
}

export function settingChange(statement: Statement): SettingChange | null {
  const set = statementNode(statement, 'VariableSetStmt');
  if (!set?.name) return null;
  const local = set.is_local === true;
  const name = set.name.toLowerCase();
  if (set.kind === 'VAR_RESET' || set.kind === 'VAR_SET_DEFAULT') return { name, value: '', local, reset: true };
  const value = /'([^']*)'|=\s*([^;\s]+)|\bTO\s+([^;\s]+)/i.exec(statement.text);
  const written = (value?.[1] ?? value?.[2] ?? value?.[3] ?? '').trim();
  // `SET x TO '3s'` and `SET x = '3s'` reach the TO / = branch with the quotes still on.
  return { name, value: written.replace(/^'(.*)'$/, '$1'), local, reset: false };
}

/** Whether a timeout setting's value turns it on: a reset, `0`, `'0'` or `'0s'` turn it off. */
export function timeoutEnabled(change: { value: string; reset?: boolean }): boolean {
  return !change.reset && !/^0+(\.0*)?\s*(ms|s|min)?$/i.test(change.value);
}

/** How to run a statement outside a transaction with this file's runner, in one sentence. */
export function outsideTransactionHint(file: MigrationFile): string {
  switch (file.framework) {
    case 'goose':
      return 'Put it in its own migration with `-- +goose NO TRANSACTION` at the top.';
    case 'dbmate':
      return 'Put it in its own migration marked `-- migrate:up transaction:false`.';
    case 'diesel':
      return 'Put it in its own migration with `run_in_transaction = false` in metadata.toml.';
    case 'sqlx':
      return 'Put it in its own migration whose first line is `-- no-transaction`.';
    case 'drizzle':
      return "Put it in its own migration and end drizzle's transaction first with `COMMIT;--> statement-breakpoint`.";
    case 'sqitch':
      return 'Put it in its own deploy script without BEGIN/COMMIT.';
    case 'hasura':
      return 'Hasura wraps every migration in a transaction: run it with run_sql and no_transaction: true, outside the migration.';
    case 'maragudk-migrate':
      return 'maragudk/migrate wraps every migration in a transaction: run it outside the migration runner.';
    case 'prisma':
    case 'golang-migrate':
    case 'supabase':
    case 'flyway':
      return 'Put it alone in its own migration file: a lone statement runs outside a transaction.';
    default:
      return 'Run it outside any transaction, alone in its own migration.';
  }
}

const LABELS: Record<string, string> = {
  IndexStmt: 'CREATE INDEX',
  AlterTableStmt: 'ALTER TABLE',
  DropStmt: 'DROP',
  RenameStmt: 'RENAME',
  TruncateStmt: 'TRUNCATE',
  VacuumStmt: 'VACUUM',
  ClusterStmt: 'CLUSTER',
  ReindexStmt: 'REINDEX',
  CreateTrigStmt: 'CREATE TRIGGER',
  LockStmt: 'LOCK TABLE',
  CreateStmt: 'CREATE TABLE',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  InsertStmt: 'INSERT',
};

/** "CREATE INDEX", "ALTER TABLE": the statement's kind for messages. */
export function statementLabel(statement: Statement): string {
  return LABELS[statement.type] ?? statement.type.replace(/Stmt$/, '').toUpperCase();
}

/** What the application code says about dropping or renaming an object (JUDGMENT.md principle 4). */
export interface CodeDecision {
  status: 'FLAG' | 'BLOCK';
  referenced: boolean;
  /** `; the repository still uses it at a.ts:3, b.ts:9` when referenced. */
  refs: string;
  /** What the author must check when nothing here references it. */
  verify?: string;
}

/**
 * Principle 4: still referenced by the application code → BLOCK (the running code breaks the
 * moment the migration commits); not referenced → FLAG, a deliberate contract step that still
 * needs a backup and a look at readers outside the repository; no code to search → FLAG too.
 */
export function decideByCode(ctx: Pick<RuleContext, 'codeAvailable'>, refs: CodeRef[], unused: string): CodeDecision {
  if (refs.length) return { status: 'BLOCK', referenced: true, refs: `; the repository still uses it at ${refs.slice(0, 3).map((r) => `${r.file}:${r.line}`).join(', ')}` };
  const verify = ctx.codeAvailable ? `${unused} outside this repository, and a backup exists` : `${unused} (this repository has no application code to search)`;
  return { status: 'FLAG', referenced: false, refs: '', verify };
}

/** Categories of dropping data the code still uses: data loss, broken writers, and (where downs are expected) a rollback that brings back an empty shell. */
export function droppedInUseCategories(file: MigrationFile): Category[] {
  return ['data_loss', 'concurrent_write_hazards', ...(file.expectsDown || file.down ? (['missing_rollback'] as const) : [])];
}

/**
 * The application code that deletes rows of `table` (`DELETE FROM table`): what turns a cascade or
 * an unindexed foreign key into work on the child. The name comes from the PR, so it is escaped.
 */
export function codeDeletingFrom(ctx: Pick<RuleContext, 'codeRefs'>, table: string): CodeRef[] {
  const name = escapeRegExp(table.split('.').pop() ?? table);
  const deletes = new RegExp(`\\bdelete\\s+from\\s+"?${name}\\b`, 'i');
  return ctx.codeRefs(table, []).filter((r) => deletes.test(r.window ?? r.text));
}
