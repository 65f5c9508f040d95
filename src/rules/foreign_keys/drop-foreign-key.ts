import { qualifiedName, statementNode } from '../../sql/ast.js';
import type { Statement } from '../../sql/parse.js';
import { defineRule } from '../define.js';
import { forEachAlterCommandOnExistingTable } from '../helpers.js';

/** Whether a statement after `from` drops `table`: then its rows, orphans included, go with it. */
function droppedLater(statements: readonly Statement[], from: Statement, table: string): boolean {
  return statements.slice(statements.indexOf(from) + 1).some((statement) => {
    const drop = statementNode(statement, 'DropStmt');
    return drop?.removeType === 'OBJECT_TABLE' && (drop.objects ?? []).some((object) => qualifiedName(object) === table);
  });
}

export default defineRule({
  id: 'drop-foreign-key',
  category: 'foreign_keys',
  pattern: 'add-foreign-key-not-valid',
  docs: {
    summary: 'Dropping a foreign key stops the database from enforcing the relationship (and any cascade it carried).',
    problem:
      'Without the constraint, orphaned rows can appear, and deletes that used to cascade or be refused now silently leave children behind. Re-adding it later requires validating every row again.',
    schema: 'CREATE TABLE orders (id bigint PRIMARY KEY);\nCREATE TABLE order_items (id bigint, order_id bigint, CONSTRAINT fk_orders FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE);',
    instead: 'ALTER TABLE order_items DROP CONSTRAINT fk_orders;',
    use: 'ALTER TABLE order_items ADD COLUMN note text;',
  },
  messages: {
    drop: {
      message: 'Dropping foreign key {{name}} ({{table}}({{columns}}) → {{refTable}}{{cascade}}) stops enforcing it: orphaned {{table}} rows become possible{{cascadeEffect}}.',
      recommendation: 'Make sure the application (or a replacement constraint added first) keeps the relationship, and plan how orphans will be found and cleaned.',
    },
  },
  create(ctx) {
    return {
      Statement(statement) {
        forEachAlterCommandOnExistingTable(ctx, statement, (cmd, table) => {
          if (cmd.subtype !== 'AT_DropConstraint') return;
          const fk = ctx.catalog.foreignKeys.find((f) => f.table === table && f.name === cmd.name);
          if (!fk) return;
          // Replaced: another constraint already enforces the same relationship (added first, as
          // the add-foreign-key-not-valid pattern does), so nothing goes unenforced.
          const replacement = ctx.catalog.foreignKeys.find((f) => f !== fk && f.table === table && f.refTable === fk.refTable && f.columns.join() === fk.columns.join());
          if (replacement || droppedLater(ctx.statements, statement, table)) return;
          const cascade = fk.onDelete === 'CASCADE';
          ctx.report({
            messageId: 'drop',
            status: 'FLAG',
            table,
            verify: 'the relationship is enforced elsewhere or no longer needed',
            data: { name: fk.name, table, columns: fk.columns.join(', '), refTable: fk.refTable, cascade: cascade ? ', ON DELETE CASCADE' : '', cascadeEffect: cascade ? `, and deleting from ${fk.refTable} no longer deletes them` : '' },
          });
        });
      },
    };
  },
});
