import { flag, qualifiedName } from '../../sql/ast.js';
import { defineRule } from '../define.js';
import { lostUniqueness } from '../helpers.js';

export default defineRule({
  id: 'drop-index-used-by-code',
  category: 'index_dependencies',
  pattern: 'drop-index-safely',
  docs: {
    summary: 'Dropping an index whose table and columns are still queried by the application code.',
    problem:
      'Queries that relied on the index fall back to sequential scans the moment it is gone: p99 latency jumps and the database CPU climbs. migration-review searches the repository (outside the migrations) for queries that name the table and the index\'s leading column.',
    schema: 'CREATE TABLE orders (id bigint, status text);\nCREATE INDEX idx_orders_status ON orders (status);',
    instead: 'DROP INDEX CONCURRENTLY idx_orders_status;',
    use: 'CREATE INDEX CONCURRENTLY idx_orders_created ON orders (id);',
  },
  messages: {
    used: {
      message: 'DROP INDEX {{index}} removes the index on {{table}}({{columns}}), and the code still queries {{table}} by {{lead}}: {{refs}}. Those queries fall back to sequential scans.{{uniqueness}}',
      recommendation: 'Confirm the index is unused in production (`SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = \'{{index}}\'` over a full business cycle) or that another index covers {{lead}}, then drop it.',
    },
    unknown: {
      message: 'DROP INDEX {{index}}: its definition is not in the migrations reviewed, so migration-review cannot tell which queries used it.',
      recommendation: 'Check pg_stat_user_indexes.idx_scan for {{index}} in production before dropping it.',
    },
  },
  create(ctx) {
    return {
      DropStmt(node, statement) {
        if (node.removeType !== 'OBJECT_INDEX') return;
        for (const object of node.objects ?? []) {
          const name = qualifiedName(object);
          const index = ctx.catalog.indexes.get(name);
          if (!index) {
            if (!flag(node, 'missing_ok')) ctx.report({ messageId: 'unknown', status: 'FLAG', verify: `no query needs ${name}`, data: { index: name } });
            continue;
          }
          if (ctx.isNew(index.table) || index.createdIn === ctx.file.path) continue;
          const lead = index.columns[0];
          if (!lead || lead.startsWith('(')) continue;
          const refs = ctx.codeRefs(index.table, [lead]);
          if (refs.length === 0) continue;
          ctx.report({
            messageId: 'used',
            status: 'FLAG',
            table: index.table,
            verify: `no query needs ${name}`,
            data: {
              index: name,
              table: index.table,
              columns: index.columns.join(', '),
              lead,
              refs: refs.slice(0, 3).map((r) => `${r.file}:${r.line}`).join(', '),
              uniqueness: lostUniqueness(ctx.catalog, ctx.statements, statement, index),
            },
          });
        }
      },
    };
  },
});
