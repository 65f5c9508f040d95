import { flag, indexColumns, rangeVarName } from '../../sql/ast.js';
import { defineRule } from '../define.js';

export default defineRule({
  id: 'create-index-concurrently-if-not-exists',
  category: 'constraint_validation',
  pattern: 'create-index-concurrently',
  docs: {
    summary: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS silently keeps the INVALID index a failed or cancelled earlier build left behind.',
    problem:
      'A concurrent build that fails (a duplicate for a unique index, a deadlock, a lock_timeout or statement_timeout, a cancelled deploy) does not roll back: it leaves an INVALID index under the name. The retry with IF NOT EXISTS then sees the name, prints a notice and succeeds without building anything — the migration is recorded as done while the uniqueness is not enforced and the planner never uses the index.',
    instead: 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS customers_email_key ON customers (email);',
    use: 'CREATE UNIQUE INDEX CONCURRENTLY customers_email_key ON customers (email);',
    facts:
      'After a failed CREATE UNIQUE INDEX CONCURRENTLY (duplicate values), CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS with the same name succeeds with the notice "relation … already exists, skipping" and pg_index.indisvalid stays false (shown on PostgreSQL 15).',
  },
  messages: {
    keepsInvalid: {
      message:
        'CREATE {{unique}}INDEX CONCURRENTLY IF NOT EXISTS {{index}} on {{table}}: if an earlier attempt failed or was cancelled, it left an INVALID {{index}}, and this statement then skips the build with only a notice — the migration succeeds while {{consequence}}.',
      recommendation:
        'Drop the IF NOT EXISTS, so a leftover makes the migration fail loudly; to make the retry safe, run `DROP INDEX CONCURRENTLY IF EXISTS {{index}};` in the migration before (each alone, outside a transaction) and check after the build: `SELECT indisvalid FROM pg_index WHERE indexrelid = \'{{index}}\'::regclass;`.',
    },
  },
  create(ctx) {
    return {
      IndexStmt(node) {
        if (!flag(node, 'concurrent') || !flag(node, 'if_not_exists')) return;
        const table = rangeVarName(node.relation);
        // A table created in this change has no earlier build that could have failed.
        if (ctx.isNew(table)) return;
        const unique = flag(node, 'unique');
        const index = node.idxname ?? `${table}_${indexColumns(node.indexParams).join('_')}_idx`;
        const consequence = unique ? `${table} accepts duplicates and nothing enforces the uniqueness` : 'no query can use the index';
        ctx.report({ messageId: 'keepsInvalid', status: 'FLAG', table, data: { index, table, unique: unique ? 'UNIQUE ' : '', consequence } });
      },
    };
  },
});
