import { formatType } from '../../sql/ast.js';
import { defineRule } from '../define.js';
import { columnTypeChange, forEachAlterCommandOnExistingTable } from '../helpers.js';

export default defineRule({
  id: 'narrowing-type-change',
  category: 'data_loss',
  pattern: 'change-column-type',
  docs: {
    summary: 'Changing a column to a narrower type (bigint → integer, varchar(100) → varchar(50), timestamp → date) fails on or truncates existing values.',
    problem:
      'A narrowing conversion either aborts the migration on the first value that does not fit, or silently loses information (the time of day, decimal places, text via USING substring).',
    schema: 'CREATE TABLE users (id bigint, name varchar(100));',
    instead: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(50);',
    use: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(200);',
  },
  messages: {
    narrowing: {
      message: 'ALTER COLUMN {{table}}.{{column}} TYPE {{to}} narrows {{from}}: existing values that do not fit make the migration fail, or lose information.',
      recommendation:
        'Check the data first (e.g. `SELECT count(*) FROM {{table}} WHERE length({{column}}) > …`), fix the outliers in a separate migration, or keep the wider type and enforce the limit with a CHECK … NOT VALID.',
    },
  },
  create(ctx) {
    return {
      Statement(statement) {
        forEachAlterCommandOnExistingTable(ctx, statement, (cmd, table) => {
          const typeChange = columnTypeChange(ctx.catalog, table, cmd);
          if (!typeChange) return;
          const { column, from, to, change } = typeChange;
          if (change.kind !== 'rewrite' || !change.narrowing || !from) return;
          ctx.report({
            messageId: 'narrowing',
            status: 'FLAG',
            table,
            verify: `every value in ${table}.${column} fits ${formatType(to)}`,
            data: { table, column, to: formatType(to), from: formatType(from) },
          });
        });
      },
    };
  },
});
