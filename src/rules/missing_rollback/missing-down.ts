import type { Statement } from '../../sql/parse.js';
import { defineRule } from '../define.js';
import { alterCommands } from '../helpers.js';

export default defineRule({
  id: 'missing-down',
  category: 'missing_rollback',
  pattern: 'write-the-rollback',
  docs: {
    summary: 'The framework (or this project) expects a down/revert script, and this migration has none, or an empty one.',
    problem:
      'When a deploy goes wrong, the rollback is written under pressure, in the middle of the incident. A down script written with the migration is reviewed and tested; a missing or comment-only one means nobody decided how to undo the change.',
    instead: '-- 000042_add_note.up.sql (no 000042_add_note.down.sql)\nALTER TABLE orders ADD COLUMN note text;',
    use: '-- 000042_add_note.up.sql, with 000042_add_note.down.sql: ALTER TABLE orders DROP COLUMN note;\nALTER TABLE orders ADD COLUMN note text;',
  },
  messages: {
    missing: {
      message: '{{path}} has no {{kind}} script, so there is no reviewed way to undo it{{convention}}.',
      recommendation: 'Write the {{kind}} script now (and run up → down → up locally); if the change truly cannot be undone, say so in the file and describe the recovery (restore, forward fix) in the runbook.',
    },
    empty: {
      message: 'The {{kind}} script {{downPath}} is empty or comments only: rolling back {{path}} would silently do nothing.',
      recommendation: 'Write the statements that undo the up script, or state why it cannot be undone and how to recover instead.',
    },
  },
  create(ctx) {
    return {
      'File:exit'() {
        const { file } = ctx;
        if (!file.expectsDown || ctx.statements.length === 0) return;
        // Nothing to write when the repository rolls forward, or the step has no inverse.
        if (file.downsEmptyByConvention || ctx.statements.every(hasNoInverse)) return;
        const kind = file.framework === 'sqitch' ? 'revert' : 'down';
        if (!file.down) {
          const convention = ['golang-migrate', 'maragudk-migrate', 'sqlx'].includes(file.framework) ? ' (the other migrations in this folder have one)' : '';
          ctx.report({ messageId: 'missing', status: 'FLAG', line: file.upStartLine, data: { path: file.path, kind, convention } });
          return;
        }
        if (ctx.down && ctx.down.statements.length === 0 && ctx.down.problems.length === 0) {
          ctx.report({ messageId: 'empty', status: 'FLAG', line: file.down.startLine, script: 'down', data: { path: file.path, kind, downPath: file.down.path } });
        }
      },
    };
  },
});

/**
 * Steps with no meaningful inverse (JUDGMENT.md, missing_rollback): VALIDATE CONSTRAINT, ANALYZE,
 * VACUUM, REINDEX, CLUSTER, enum values (cannot be removed), data changes (a backfill is undone by
 * the next backfill, not by a down), and statements that change nothing (SET, transaction control,
 * SELECT). An empty or missing down is the honest down for them.
 */
function hasNoInverse(statement: Statement): boolean {
  // A DO block is judged by the statements it runs (they follow it in the list).
  if (statement.type === 'DoStmt') return true;
  if (NO_INVERSE.has(statement.type)) return true;
  if (statement.type === 'AlterEnumStmt') return !statement.node.oldVal; // ADD VALUE, not RENAME VALUE
  if (statement.type === 'AlterDomainStmt') return statement.node.subtype === 'V'; // VALIDATE CONSTRAINT
  // Data changes: a backfill is undone by the next one, and deleted rows no down can bring back
  // (data_loss reports that, with this category).
  if (statement.type === 'UpdateStmt' || statement.type === 'DeleteStmt' || statement.type === 'TruncateStmt') return true;
  const cmds = alterCommands(statement);
  return statement.type === 'AlterTableStmt' && cmds.length > 0 && cmds.every((c) => c.subtype === 'AT_ValidateConstraint');
}

const NO_INVERSE = new Set(['VacuumStmt', 'ReindexStmt', 'ClusterStmt', 'VariableSetStmt', 'VariableShowStmt', 'TransactionStmt', 'SelectStmt', 'CommentStmt']);
