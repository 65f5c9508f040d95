import { as, rangeVarName } from '../../sql/ast.js';
import { defineRule } from '../define.js';

export default defineRule({
  id: 'truncate-table',
  category: 'data_loss',
  pattern: 'drop-table-safely',
  docs: {
    summary: 'TRUNCATE deletes every row of an existing table (and, with CASCADE, of every table that references it).',
    problem:
      'TRUNCATE empties the table instantly under ACCESS EXCLUSIVE; with CASCADE it also empties every table with a foreign key to it. There is no rollback once committed.',
    instead: 'TRUNCATE audit_log CASCADE;',
    use: "DELETE FROM audit_log WHERE created_at < now() - interval '90 days';",
  },
  messages: {
    truncate: {
      message: 'TRUNCATE {{table}}{{cascade}} deletes every row of {{table}}{{also}}; it cannot be rolled back after commit.',
      recommendation:
        'If only old rows should go, DELETE them in batches by a time range; if the table must be emptied, take a backup first and do it in its own migration.',
    },
  },
  create(ctx) {
    return {
      TruncateStmt(node) {
        const cascade = node.behavior === 'DROP_CASCADE';
        for (const relation of node.relations ?? []) {
          const table = rangeVarName(as(relation, 'RangeVar'));
          if (ctx.isNew(table)) continue;
          const referencing = ctx.catalog.referencing(table).map((fk) => fk.table);
          const also = cascade && referencing.length ? ` and of ${[...new Set(referencing)].join(', ')}` : '';
          // An existing table is populated as far as the review knows: emptying it destroys data (JUDGMENT.md, data_loss).
          ctx.report({ messageId: 'truncate', status: 'BLOCK', table, categories: ctx.file.expectsDown || ctx.file.down ? ['data_loss', 'missing_rollback'] : undefined, data: { table, cascade: cascade ? ' CASCADE' : '', also } });
        }
      },
    };
  },
});
