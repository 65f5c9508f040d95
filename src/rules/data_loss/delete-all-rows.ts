import { rangeVarName } from '../../sql/ast.js';
import { defineRule } from '../define.js';

export default defineRule({
  id: 'delete-all-rows',
  category: 'data_loss',
  pattern: 'batched-backfill',
  docs: {
    summary: 'DELETE without WHERE removes every row of an existing table.',
    problem:
      'A DELETE with no WHERE clause empties the table, row by row: it is as destructive as TRUNCATE and far slower, holding a lock on every row until commit.',
    instead: 'DELETE FROM sessions;',
    use: "DELETE FROM sessions WHERE expires_at < now() - interval '30 days';",
  },
  messages: {
    all: {
      message: 'DELETE FROM {{table}} has no WHERE clause: it deletes every row of {{table}}.',
      recommendation:
        'Add the WHERE clause that selects the rows to remove, and delete in batches; if emptying the table is the intent, say so in an ack and take a backup.',
    },
  },
  create(ctx) {
    return {
      DeleteStmt(node, statement) {
        if (statement.node !== node || node.whereClause) return;
        const table = rangeVarName(node.relation);
        if (!table || ctx.isNew(table)) return;
        // An existing table is populated as far as the review knows: emptying it destroys data (JUDGMENT.md, data_loss).
        ctx.report({ messageId: 'all', status: 'BLOCK', table, categories: ctx.file.expectsDown || ctx.file.down ? ['data_loss', 'missing_rollback'] : undefined, data: { table } });
      },
    };
  },
});
