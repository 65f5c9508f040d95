import type { MigrationFile } from '../core/types.js';
import { as, rangeVarName } from '../sql/ast.js';
import type { AstNode, Statement } from '../sql/parse.js';

/** The table an ALTER TABLE statement changes ('' for ALTER INDEX/VIEW/…). */
export function alteredTable(statement: Statement): string {
  if (statement.type !== 'AlterTableStmt') return '';
  const objtype = statement.node.objtype as string | undefined;
  if (objtype && objtype !== 'OBJECT_TABLE') return '';
  return rangeVarName(statement.node.relation as AstNode);
}

/** The subcommands of an ALTER TABLE. */
export function alterCommands(statement: Statement): AstNode[] {
  return ((statement.node.cmds as AstNode[] | undefined) ?? []).map((c) => as(c, 'AlterTableCmd')).filter((c): c is AstNode => !!c);
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
