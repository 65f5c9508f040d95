import { indexColumns, rangeVarName } from '../../sql/ast.js';
import type { AstNode } from '../../sql/parse.js';
import { defineRule } from '../define.js';
import { foreignKeysAdded } from './fk.js';

export default defineRule({
  id: 'foreign-key-without-index',
  category: 'foreign_keys',
  pattern: 'index-foreign-keys',
  docs: {
    summary: 'A foreign key whose referencing columns have no index: deletes on the parent scan the child table.',
    problem:
      'PostgreSQL indexes the referenced (parent) key, never the referencing columns. Without an index there, every DELETE or key UPDATE on the parent scans the whole child table, and so does every cascade.',
    instead: 'CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));',
    use: 'CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));\nCREATE INDEX idx_order_items_order_id ON order_items (order_id);',
  },
  messages: {
    noIndex: {
      message: 'Foreign key {{name}} on {{table}}({{columns}}) has no index on its referencing columns: every DELETE or key UPDATE on {{refTable}} scans all of {{table}}.',
      recommendation: '`CREATE INDEX CONCURRENTLY idx_{{tableSlug}}_{{columnSlug}} ON {{table}} ({{columns}});` (plain CREATE INDEX is fine while the table is new).',
    },
  },
  create(ctx) {
    const pending: { name: string; table: string; columns: string[]; refTable: string; line: number }[] = [];
    return {
      Statement(statement) {
        for (const fk of foreignKeysAdded(statement)) pending.push({ name: fk.name, table: fk.table, columns: fk.columns, refTable: fk.refTable, line: statement.line });
      },
      'File:exit'() {
        // Indexes created later in the same file, or by a later file of the same change, count:
        // the usual order is table, then index (principle 2: what the change creates).
        const pendingMissing = pending.filter((fk) => !ctx.catalog.hasIndexCovering(fk.table, fk.columns));
        if (!pendingMissing.length) return;
        const later = [...ctx.statements, ...ctx.laterInChange()].filter((s) => s.type === 'IndexStmt').map((s) => ({ table: rangeVarName(s.node.relation as AstNode), columns: indexColumns(s.node.indexParams) }));
        for (const fk of pendingMissing) {
          const covers = (columns: string[]): boolean => fk.columns.every((c) => columns.slice(0, fk.columns.length).includes(c));
          if (later.some((i) => i.table === fk.table && covers(i.columns))) continue;
          ctx.report({
            messageId: 'noIndex',
            status: 'FLAG',
            table: fk.table,
            line: fk.line,
            data: { name: fk.name, table: fk.table, columns: fk.columns.join(', '), refTable: fk.refTable, tableSlug: fk.table.replace(/\W+/g, '_'), columnSlug: fk.columns.join('_') },
          });
        }
      },
    };
  },
});
