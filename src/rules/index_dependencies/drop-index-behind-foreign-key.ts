import { qualifiedName } from '../../sql/ast.js';
import { defineRule } from '../define.js';
import { codeDeletingFrom, indexesBuiltAfter } from '../helpers.js';

export default defineRule({
  id: 'drop-index-behind-foreign-key',
  category: 'index_dependencies',
  alsoCategories: ['foreign_keys'],
  pattern: 'index-foreign-keys',
  docs: {
    summary: 'Dropping the only index on a foreign key\'s referencing columns makes every delete/update of the parent scan the child table.',
    problem:
      'PostgreSQL checks a foreign key from the parent side by looking up the child rows. Without an index on the referencing columns, each DELETE or key UPDATE on the parent table scans the whole child table, holding locks while it does.',
    schema:
      'CREATE TABLE orders (id bigint PRIMARY KEY);\nCREATE TABLE order_items (id bigint, order_id bigint REFERENCES orders (id));\nCREATE INDEX idx_order_items_order_id ON order_items (order_id);',
    instead: 'DROP INDEX CONCURRENTLY idx_order_items_order_id;',
    use: 'CREATE INDEX CONCURRENTLY idx_order_items_id ON order_items (id);',
  },
  messages: {
    fk: {
      message: 'DROP INDEX {{index}} removes the only index behind foreign key {{fk}} ({{table}}({{columns}}) → {{refTable}}): every DELETE or key UPDATE on {{refTable}} will scan all of {{table}}.',
      recommendation: 'Keep the index, or create a replacement that starts with ({{columns}}) before dropping this one.',
    },
  },
  create(ctx) {
    return {
      DropStmt(node, statement) {
        if (node.removeType !== 'OBJECT_INDEX') return;
        for (const object of node.objects ?? []) {
          const index = ctx.catalog.indexes.get(qualifiedName(object));
          if (!index || ctx.isNew(index.table)) continue;
          for (const fk of ctx.catalog.foreignKeys.filter((f) => f.table === index.table)) {
            const lead = index.columns.slice(0, fk.columns.length);
            if (lead.length !== fk.columns.length || !fk.columns.every((c) => lead.includes(c))) continue;
            const others = [
              ...ctx.catalog.indexesOn(index.table).filter((i) => i.name !== index.name).map((i) => i.columns),
              ...indexesBuiltAfter(ctx.statements, statement, index.table).map((i) => i.columns),
            ];
            const covered = others.some((columns) => fk.columns.every((c) => columns.slice(0, fk.columns.length).includes(c)));
            if (covered) continue;
            // JUDGMENT.md: a BLOCK when the child is big and the application deletes parent rows
            // (each such delete then scans the child); otherwise a FLAG to check both.
            const child = ctx.impact(index.table, 'scan');
            const parentDeletes = codeDeletingFrom(ctx, fk.refTable).length > 0;
            const status = child.status === 'BLOCK' && parentDeletes ? 'BLOCK' : 'FLAG';
            // Code that never deletes parent rows leaves no index dependency to break (index_dependencies
            // PASS); the foreign key column without an index stays a foreign_keys FLAG.
            const categories = ctx.codeAvailable && !parentDeletes ? (['foreign_keys'] as const) : undefined;
            ctx.report({ messageId: 'fk', status, table: index.table, categories: categories && [...categories], data: { index: index.name, fk: fk.name, table: fk.table, columns: fk.columns.join(', '), refTable: fk.refTable } });
          }
        }
      },
    };
  },
});
