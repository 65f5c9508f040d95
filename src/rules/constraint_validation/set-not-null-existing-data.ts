import { defineRule } from '../define.js';
import { forEachAlterCommandOnExistingTable } from '../helpers.js';

export default defineRule({
  id: 'set-not-null-existing-data',
  category: 'constraint_validation',
  pattern: 'set-not-null-with-check',
  docs: {
    summary: 'SET NOT NULL on an existing column fails if any row still holds NULL.',
    problem: 'SET NOT NULL checks existing rows; a single NULL left by an incomplete backfill aborts the migration (after it waited for its lock).',
    schema: 'CREATE TABLE users (id bigint, email text);',
    instead: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
    use: "UPDATE users SET email = '' WHERE email IS NULL AND id = 1;",
  },
  messages: {
    nulls: {
      message: 'SET NOT NULL on {{table}}.{{column}} fails if any existing row has NULL in {{column}}.',
      recommendation: 'Check first: `SELECT count(*) FROM {{table}} WHERE {{column}} IS NULL;` must be 0 in production; finish the backfill in an earlier migration.',
    },
  },
  create(ctx) {
    return {
      Statement(statement) {
        forEachAlterCommandOnExistingTable(ctx, statement, (cmd, table) => {
          const column = cmd.name;
          if (cmd.subtype !== 'AT_SetNotNull' || !column) return;
          // A validated CHECK (column IS NOT NULL) already proved there are none.
          if (ctx.catalog.hasValidNotNullCheck(table, column)) return;
          ctx.report({ messageId: 'nulls', status: 'FLAG', table, verify: `no NULLs in ${table}.${column}`, data: { table, column } });
        });
      },
    };
  },
});
