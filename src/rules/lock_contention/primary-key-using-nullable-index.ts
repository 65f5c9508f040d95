import { as } from '../../sql/ast.js';
import { defineRule } from '../define.js';
import { forEachAlterCommandOnExistingTable } from '../helpers.js';

export default defineRule({
  id: 'primary-key-using-nullable-index',
  category: 'lock_contention',
  alsoCategories: ['constraint_validation'],
  pattern: 'add-primary-key-using-index',
  docs: {
    summary: 'ADD PRIMARY KEY USING INDEX on a column that is not yet NOT NULL scans the table for NULLs under ACCESS EXCLUSIVE.',
    problem:
      'Attaching a prebuilt unique index as the primary key is instant only when its columns are already NOT NULL (or a validated CHECK (col IS NOT NULL) proves it, PostgreSQL 12+). Otherwise the primary key first sets NOT NULL, which reads every row while ACCESS EXCLUSIVE blocks all reads and writes — the very scan building the index concurrently was meant to avoid — and one NULL fails it at the end.',
    schema: 'CREATE TABLE events (id bigint, kind text);\nCREATE UNIQUE INDEX CONCURRENTLY events_id_key ON events (id);',
    instead: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_key;',
    use: "ALTER TABLE events ADD CONSTRAINT events_id_not_null CHECK (id IS NOT NULL) NOT VALID;",
    facts:
      'ADD PRIMARY KEY USING INDEX holds ACCESS EXCLUSIVE and, on a nullable column, scans the table ("verifying table") and fails on a NULL (23502); a validated CHECK (col IS NOT NULL) spares the scan on 12+ (shown on PostgreSQL 15).',
    exampleTables: { events: { rows: 60_000_000 } },
  },
  messages: {
    scan: {
      message:
        'ADD PRIMARY KEY USING INDEX {{index}} on {{table}} ({{size}}) must first make {{columns}} NOT NULL, which reads every row under ACCESS EXCLUSIVE: no reads or writes on {{table}} for {{duration}}{{queued}}, and one NULL fails the migration at the end.',
      recommendation:
        'Prove NOT NULL first without the lock: `ALTER TABLE {{table}} ADD CONSTRAINT {{table}}_{{first}}_not_null CHECK ({{first}} IS NOT NULL) NOT VALID;`, VALIDATE it in a separate migration, then attach the index — PostgreSQL 12+ uses the validated CHECK and skips the scan, so the lock lasts milliseconds.',
    },
  },
  create(ctx) {
    return {
      Statement(statement) {
        forEachAlterCommandOnExistingTable(ctx, statement, (cmd, table) => {
          const constraint = as(cmd.def, 'Constraint');
          if (cmd.subtype !== 'AT_AddConstraint' || constraint?.contype !== 'CONSTR_PRIMARY' || !constraint.indexname) return;
          const index = ctx.catalog.indexes.get(constraint.indexname);
          // Without the index's definition the columns are unknown: add-constraint-builds-index and the trace judge it.
          if (!index) return;
          const nullable = index.columns.filter((column) => {
            const info = ctx.catalog.column(table, column);
            return info !== undefined && !info.notNull && !ctx.catalog.hasValidNotNullCheck(table, column);
          });
          if (!nullable.length) return;
          ctx.reportImpact(ctx.impact(table, 'scan'), { messageId: 'scan', data: { index: index.name, columns: nullable.join(', '), first: nullable[0]! } });
        });
      },
    };
  },
});
