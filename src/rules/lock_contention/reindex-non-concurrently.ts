import { as, rangeVarName } from '../../sql/ast.js';
import { defineRule } from '../define.js';
import { outsideTransactionHint } from '../helpers.js';

export default defineRule({
  id: 'reindex-non-concurrently',
  category: 'lock_contention',
  pattern: 'reindex-concurrently',
  docs: {
    summary: 'REINDEX without CONCURRENTLY blocks writes to the table (and reads through that index).',
    problem:
      'REINDEX rebuilds the index from scratch while holding a SHARE lock on the table and ACCESS EXCLUSIVE on the index: writes stop, and queries that would use the index wait, for the whole rebuild.',
    instead: 'REINDEX TABLE orders;',
    use: 'REINDEX TABLE CONCURRENTLY orders;',
    facts: 'REINDEX CONCURRENTLY exists from PostgreSQL 12.',
    exampleTables: { orders: { rows: 80_000_000 } },
  },
  messages: {
    lock: {
      message: 'REINDEX {{target}} blocks writes to {{table}} ({{size}}) for {{duration}}.',
      recommendation: '`REINDEX {{kind}} CONCURRENTLY {{target}};` (PostgreSQL 12+). {{hint}}',
    },
  },
  create(ctx) {
    return {
      ReindexStmt(node) {
        const concurrent = (node.params ?? []).some((p) => as(p, 'DefElem')?.defname === 'concurrently');
        if (concurrent) return;
        const target = rangeVarName(node.relation) || (node.name ?? '');
        const kind = node.kind === 'REINDEX_OBJECT_INDEX' ? 'INDEX' : node.kind === 'REINDEX_OBJECT_TABLE' ? 'TABLE' : 'DATABASE';
        const table = kind === 'INDEX' ? (ctx.catalog.indexes.get(target)?.table ?? target) : target;
        const impact = ctx.impact(table, 'index');
        // Every index of every table: blocking whatever the estimate says.
        ctx.reportImpact(kind === 'DATABASE' ? { ...impact, status: 'BLOCK' } : impact, { messageId: 'lock', data: { target, kind, hint: outsideTransactionHint(ctx.file) } });
      },
    };
  },
});
