import { flag, qualifiedName } from '../../sql/ast.js';
import { defineRule } from '../define.js';
import { lostUniqueness, outsideTransactionHint } from '../helpers.js';

export default defineRule({
  id: 'drop-index-non-concurrently',
  category: 'lock_contention',
  pattern: 'drop-index-concurrently',
  docs: {
    summary: 'DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table.',
    problem:
      'A plain DROP INDEX locks the whole table (reads too) with ACCESS EXCLUSIVE. The drop itself is quick, but it has to wait for every running query on the table, and every query that arrives meanwhile queues behind it.',
    schema: 'CREATE TABLE orders (id bigint, status text);\nCREATE INDEX idx_orders_status ON orders (status);',
    instead: 'DROP INDEX idx_orders_status;',
    use: 'DROP INDEX CONCURRENTLY idx_orders_status;',
    facts: 'DROP INDEX takes ACCESS EXCLUSIVE on the parent table; DROP INDEX CONCURRENTLY takes SHARE UPDATE EXCLUSIVE (PG 9.2+).',
  },
  messages: {
    lock: {
      message:
        'DROP INDEX {{index}} takes an ACCESS EXCLUSIVE lock on {{table}}: every read and write on {{table}} queues behind it, and it must first wait for the longest running query on the table.{{uniqueness}}',
      recommendation: '`DROP INDEX CONCURRENTLY IF EXISTS {{index}};` {{hint}}',
    },
  },
  create(ctx) {
    return {
      DropStmt(node, statement) {
        if (node.removeType !== 'OBJECT_INDEX' || flag(node, 'concurrent')) return;
        for (const object of node.objects ?? []) {
          const name = qualifiedName(object);
          const index = ctx.catalog.indexes.get(name);
          // An index created in this change, or on a table created in it, is on an empty table.
          if (index && ctx.isNew(index.table)) continue;
          const table = index?.table ?? 'its table';
          const uniqueness = index ? lostUniqueness(ctx.catalog, ctx.statements, statement, index) : '';
          ctx.report({ messageId: 'lock', status: 'FLAG', table: index?.table, data: { index: name, table, hint: outsideTransactionHint(ctx.file), uniqueness } });
        }
      },
    };
  },
});
