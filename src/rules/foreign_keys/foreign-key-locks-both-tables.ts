import { defineRule } from '../define.js';
import { foreignKeysAdded } from './fk.js';

export default defineRule({
  id: 'foreign-key-locks-both-tables',
  category: 'foreign_keys',
  alsoCategories: ['lock_contention', 'constraint_validation'],
  pattern: 'add-foreign-key-not-valid',
  docs: {
    summary: 'Adding a validated foreign key to an existing table blocks writes on both tables while it checks every row.',
    problem:
      'ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on the child and the parent table and, unless NOT VALID, checks every child row against the parent under those locks: writes to both tables stop for the whole check.',
    instead: 'ALTER TABLE order_items ADD CONSTRAINT fk_orders FOREIGN KEY (order_id) REFERENCES orders (id);',
    use: 'ALTER TABLE order_items ADD CONSTRAINT fk_orders FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;',
    facts:
      'Checked on PostgreSQL: ADD FOREIGN KEY holds SHARE ROW EXCLUSIVE on both tables; VALIDATE CONSTRAINT holds SHARE UPDATE EXCLUSIVE on the child and ROW SHARE on the parent. ADD COLUMN … REFERENCES without a default reads no row (every value is NULL); with a non-null DEFAULT it checks them all.',
    exampleTables: { order_items: { rows: 200_000_000 } },
  },
  messages: {
    validate: {
      message:
        'ADD FOREIGN KEY {{name}} checks every row of {{table}} ({{size}}) while holding SHARE ROW EXCLUSIVE on both {{table}} and {{refTable}}: writes to both tables wait for {{duration}}.',
      recommendation:
        'Add it `NOT VALID` (brief lock, new rows are checked), then `ALTER TABLE {{table}} VALIDATE CONSTRAINT {{name}};` in a separate migration: that scan takes SHARE UPDATE EXCLUSIVE and lets writes continue.',
    },
  },
  create(ctx) {
    return {
      Statement(statement) {
        for (const fk of foreignKeysAdded(statement)) {
          if (!fk.viaAlter || fk.constraint.skip_validation === true || fk.onNewNullColumn || ctx.isNew(fk.table)) continue;
          ctx.reportImpact(ctx.impact(fk.table, 'scan'), { messageId: 'validate', data: { name: fk.name, refTable: fk.refTable } });
        }
      },
    };
  },
});
