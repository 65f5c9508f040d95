import { as } from '../../sql/ast.js';
import { defineRule } from '../define.js';
import { forEachAlterCommandOnExistingTable } from '../helpers.js';

export default defineRule({
  id: 'check-without-not-valid',
  category: 'constraint_validation',
  alsoCategories: ['lock_contention'],
  pattern: 'add-check-not-valid',
  docs: {
    summary: 'ADD CONSTRAINT … CHECK without NOT VALID scans the whole table under ACCESS EXCLUSIVE, and fails on the first bad row.',
    problem:
      'Adding a CHECK validates every existing row while holding ACCESS EXCLUSIVE: no reads or writes for the whole scan, and one violating row aborts the migration after all that waiting.',
    instead: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);',
    use: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;',
    exampleTables: { orders: { rows: 80_000_000 } },
  },
  messages: {
    scan: {
      message: 'ADD CONSTRAINT {{name}} CHECK on {{table}} ({{size}}) checks every row under ACCESS EXCLUSIVE: reads and writes on {{table}} wait for {{duration}}, and one violating row fails the migration.',
      recommendation:
        'Add it NOT VALID (instant; new writes are checked), then in a separate migration `ALTER TABLE {{table}} VALIDATE CONSTRAINT {{name}};`, which scans under SHARE UPDATE EXCLUSIVE while traffic continues.',
    },
  },
  create(ctx) {
    return {
      Statement(statement) {
        forEachAlterCommandOnExistingTable(ctx, statement, (cmd, table) => {
          const constraint = as(cmd.def, 'Constraint');
          if (cmd.subtype !== 'AT_AddConstraint' || constraint?.contype !== 'CONSTR_CHECK' || constraint.skip_validation === true) return;
          ctx.reportImpact(ctx.impact(table, 'scan'), { messageId: 'scan', data: { name: constraint.conname ?? `${table}_check` } });
        });
      },
    };
  },
});
