import { as } from '../../sql/ast.js';
import { tableStats } from '../../core/impact.js';
import { defineRule } from '../define.js';
import { forEachAlterCommandOnExistingTable } from '../helpers.js';

export default defineRule({
  id: 'add-column-not-null-without-default',
  category: 'constraint_validation',
  pattern: 'add-not-null-column',
  docs: {
    summary: 'ADD COLUMN … NOT NULL without a DEFAULT fails on any table that already has rows.',
    problem: 'Existing rows would get NULL in the new column, which the NOT NULL forbids: the migration aborts with "contains null values" on every non-empty table.',
    instead: 'ALTER TABLE users ADD COLUMN email_verified boolean NOT NULL;',
    use: 'ALTER TABLE users ADD COLUMN email_verified boolean NOT NULL DEFAULT false;',
  },
  messages: {
    fails: {
      message: 'ADD COLUMN {{column}} NOT NULL without a DEFAULT on {{table}}: if {{table}} has any row, the migration fails with "column contains null values".',
      recommendation: 'Give it a constant default (`… NOT NULL DEFAULT <value>` is instant on PG 11+), or add it nullable, backfill in batches, and then enforce NOT NULL with a validated CHECK.',
    },
  },
  create(ctx) {
    return {
      Statement(statement) {
        forEachAlterCommandOnExistingTable(ctx, statement, (cmd, table) => {
          const column = as(cmd.def, 'ColumnDef');
          if (cmd.subtype !== 'AT_AddColumn' || !column?.colname) return;
          const kinds = (column.constraints ?? []).map((c) => as(c, 'Constraint')?.contype);
          const notNull = kinds.includes('CONSTR_NOTNULL') || kinds.includes('CONSTR_PRIMARY');
          const filled = kinds.includes('CONSTR_DEFAULT') || kinds.includes('CONSTR_IDENTITY') || kinds.includes('CONSTR_GENERATED') || /serial/i.test(JSON.stringify(column.typeName));
          if (!notNull || filled) return;
          const rows = tableStats(ctx.config, table)?.rows;
          if (rows === 0) return;
          ctx.report({
            messageId: 'fails',
            status: rows === undefined ? 'FLAG' : 'BLOCK',
            table,
            verify: rows === undefined ? `${table} is empty in every environment` : undefined,
            data: { column: column.colname, table },
          });
        });
      },
    };
  },
});
