import type { AlterTableCmd } from '@pgsql/types';
import type { Category, CodeRef, MigrationFile } from '../core/types.js';
import { as, rangeVarName, statementNode, typeRef, type TypeRef } from '../sql/ast.js';
import type { Catalog } from '../sql/catalog.js';
import type { Statement } from '../sql/parse.js';
import { classifyTypeChange, type TypeChange } from '../sql/pgfacts.js';
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

export interface ColumnTypeChange {
  column: string;
  /** The column's type before the statement, from the catalog (undefined: not known). */
  from: TypeRef | undefined;
  to: TypeRef;
  change: TypeChange;
}

/** What an `ALTER COLUMN … TYPE` subcommand changes: the column, its old and new type and what the change costs. Null for other subcommands. */
export function columnTypeChange(catalog: Catalog, table: string, cmd: AlterTableCmd): ColumnTypeChange | null {
  const def = as(cmd.def, 'ColumnDef');
  // The parser always gives ALTER COLUMN TYPE its column name and a ColumnDef with the new type.
  if (cmd.subtype !== 'AT_AlterColumnType' || !cmd.name || !def) return null;
  const from = catalog.column(table, cmd.name)?.type;
  const to = typeRef(def.typeName);
  return { column: cmd.name, from, to, change: classifyTypeChange(from, to, !!def.raw_default) };
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
