import { as, flag, isVacuumCommand, statementNode } from '../../sql/ast.js';
import type { Statement } from '../../sql/parse.js';
import { defineRule } from '../define.js';
import { alterCommands, outsideTransactionHint } from '../helpers.js';

/** Statements PostgreSQL refuses inside a transaction block (PreventInTransactionBlock) on the target version. */
function nonTransactional(statement: Statement, postgres: number): string | null {
  switch (statement.type) {
    case 'AlterEnumStmt':
      // PostgreSQL 12 release notes: "Allow ALTER TYPE … ADD VALUE to be run inside a transaction
      // block". Before 12 it is refused there (RENAME VALUE never was). Not reproducible on the
      // PostgreSQL 15 the tests run on; PG 12+ running it in a block is shown in test/facts.
      return postgres < 12 && !statementNode(statement, 'AlterEnumStmt')?.oldVal ? `ALTER TYPE … ADD VALUE (PostgreSQL ${postgres})` : null;
    case 'IndexStmt':
      return flag(statementNode(statement, 'IndexStmt'), 'concurrent') ? 'CREATE INDEX CONCURRENTLY' : null;
    case 'DropStmt':
      return flag(statementNode(statement, 'DropStmt'), 'concurrent') ? 'DROP INDEX CONCURRENTLY' : null;
    case 'ReindexStmt':
      return (statementNode(statement, 'ReindexStmt')?.params ?? []).some((p) => as(p, 'DefElem')?.defname === 'concurrently') ? 'REINDEX CONCURRENTLY' : null;
    case 'VacuumStmt':
      // ANALYZE is a VacuumStmt too, and runs fine inside a transaction block.
      return isVacuumCommand(statementNode(statement, 'VacuumStmt')) ? 'VACUUM' : null;
    case 'CreatedbStmt':
      return 'CREATE DATABASE';
    case 'AlterTableStmt': {
      const detach = alterCommands(statement).some((cmd) => cmd.subtype === 'AT_DetachPartition' && flag(as(cmd.def, 'PartitionCmd'), 'concurrent'));
      return detach ? 'DETACH PARTITION CONCURRENTLY' : null;
    }
    default:
      return null;
  }
}

export default defineRule({
  id: 'concurrently-in-transaction',
  category: 'lock_contention',
  pattern: 'create-index-concurrently',
  docs: {
    summary: 'CONCURRENTLY (and VACUUM) cannot run inside a transaction block: the migration fails at deploy.',
    problem:
      'CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM and DETACH PARTITION CONCURRENTLY refuse to run in a transaction block. Many runners wrap each migration in a transaction, and a file sent as one multi-statement query is an implicit transaction too: the deploy stops with "cannot run inside a transaction block".',
    instead: 'BEGIN;\nCREATE INDEX CONCURRENTLY idx_orders_status ON orders (status);\nCOMMIT;',
    use: 'CREATE INDEX CONCURRENTLY idx_orders_status ON orders (status);',
    runner: 'none',
    facts: 'Checked on PostgreSQL: inside BEGIN, and in a multi-statement query string, CREATE INDEX CONCURRENTLY fails with SQLSTATE 25001.',
  },
  messages: {
    fails: {
      message: '{{command}} cannot run inside a transaction block, and here it would run inside one ({{why}}): the migration fails at deploy.',
      recommendation: '{{hint}}',
    },
  },
  create(ctx) {
    // The first transaction statement's line, found once per file: a scan per statement made a
    // file of many CONCURRENTLY statements quadratic.
    let firstTransactionLine: number | undefined;
    const opensTransactionBefore = (line: number): boolean => {
      // A loop, not Math.min(...lines): a hostile file of 100k BEGINs would overflow the call's arguments.
      firstTransactionLine ??= ctx.statements.reduce((first, s) => (s.type === 'TransactionStmt' && s.line < first ? s.line : first), Infinity);
      return firstTransactionLine < line;
    };
    return {
      Statement(statement) {
        const command = nonTransactional(statement, ctx.config.postgres);
        if (!command || ctx.inTransaction === false) return;
        const explicit = opensTransactionBefore(statement.line);
        const why = statement.nested ? `inside a ${statement.nested.container}` : explicit ? 'the file opens a transaction with BEGIN' : ctx.file.txReason;
        ctx.report({
          messageId: 'fails',
          status: ctx.inTransaction === null ? 'FLAG' : 'BLOCK',
          verify: ctx.inTransaction === null ? 'that your migration runner does not wrap this file in a transaction' : undefined,
          data: { command, why, hint: outsideTransactionHint(ctx.file) },
        });
      },
    };
  },
});
