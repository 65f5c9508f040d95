import { defineRule } from '../define.js';
import { forEachAlterCommandOnExistingTable } from '../helpers.js';

export default defineRule({
  id: 'drop-not-null',
  category: 'concurrent_write_hazards',
  pattern: 'drop-column-in-stages',
  docs: {
    summary: 'DROP NOT NULL on an existing column lets NULLs into data that code reads as always set.',
    problem:
      'Dropping NOT NULL is catalog-only (ACCESS EXCLUSIVE for an instant), so it looks harmless. But the guarantee is gone the moment it commits: any writer — a new code path, a bulk import, an ORM that omits the field — can store NULL, and every reader that assumed the column is set (string formatting, sums, joins, non-nullable fields in typed code) starts failing on those rows, far from this migration.',
    instead: 'ALTER TABLE orders ALTER COLUMN status DROP NOT NULL;',
    use: 'ALTER TABLE orders ADD COLUMN status_note text;',
    schema: "CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL DEFAULT 'new');",
    facts: 'DROP NOT NULL changes only the catalog (no scan, no rewrite) under a brief ACCESS EXCLUSIVE lock (all versions).',
  },
  messages: {
    nullable: {
      message:
        'ALTER COLUMN {{column}} DROP NOT NULL on {{table}} is instant (ACCESS EXCLUSIVE for milliseconds), but from the moment it commits any writer may store NULL in {{table}}.{{column}}, and code that reads it as always set breaks on those rows.',
      recommendation:
        'Drop NOT NULL only after every reader handles NULL: ship the code change first (nullable type, COALESCE, or a default in the reader), then this migration. If the column is on its way out, stop writing it first and drop NOT NULL as the step before the DROP COLUMN.',
    },
  },
  create(ctx) {
    return {
      Statement(statement) {
        forEachAlterCommandOnExistingTable(ctx, statement, (cmd, table) => {
          // A column added in this change holds no data anyone relies on yet.
          if (cmd.subtype !== 'AT_DropNotNull' || !cmd.name || ctx.isNewColumn(table, cmd.name)) return;
          ctx.report({ messageId: 'nullable', status: 'FLAG', table, data: { table, column: cmd.name } });
        });
      },
    };
  },
});
