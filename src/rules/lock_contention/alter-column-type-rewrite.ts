import { formatType } from '../../sql/ast.js';
import { defineRule } from '../define.js';
import { columnTypeChange, forEachAlterCommandOnExistingTable } from '../helpers.js';

export default defineRule({
  id: 'alter-column-type-rewrite',
  category: 'lock_contention',
  pattern: 'change-column-type',
  docs: {
    summary: 'ALTER COLUMN … TYPE that is not binary-coercible rewrites the table under ACCESS EXCLUSIVE.',
    problem:
      'Changing a column to a type whose bytes differ (integer → bigint, text → jsonb, timestamp → timestamptz outside UTC) rewrites every row and rebuilds every index on the table, all under ACCESS EXCLUSIVE: no reads, no writes until it finishes. Growing a varchar, varchar → text and numeric precision increases are catalog-only and are not flagged.',
    schema: 'CREATE TABLE events (id integer PRIMARY KEY, name varchar(50));',
    instead: 'ALTER TABLE events ALTER COLUMN id TYPE bigint;',
    use: 'ALTER TABLE events ALTER COLUMN name TYPE varchar(200);',
    exampleTables: { events: { rows: 5_000_000 } },
    facts: 'Checked on PostgreSQL: varchar(50) → varchar(200) and varchar → text keep the relfilenode; integer → bigint changes it.',
  },
  messages: {
    rewrite: {
      message:
        'ALTER COLUMN {{column}} TYPE ({{why}}) rewrites all of {{table}} ({{size}}) and rebuilds its indexes under an ACCESS EXCLUSIVE lock: every read and write on {{table}} waits for {{duration}}.',
      recommendation:
        'Expand and contract instead: add a new {{newType}} column, keep it in sync with a trigger, backfill it in batches, switch the application over, then drop the old column.',
    },
    unknownType: {
      message:
        'ALTER COLUMN {{column}} TYPE {{newType}} on {{table}} rewrites the table under ACCESS EXCLUSIVE unless the change is binary-coercible (e.g. varchar growth, varchar → text).',
      recommendation: 'If it is not binary-coercible, add a new {{newType}} column, backfill it in batches and switch over (expand/contract).',
    },
  },
  create(ctx) {
    return {
      Statement(statement) {
        forEachAlterCommandOnExistingTable(ctx, statement, (cmd, table) => {
          const typeChange = columnTypeChange(ctx.catalog, table, cmd);
          if (!typeChange) return;
          const { column, to, change } = typeChange;
          if (change.kind === 'binary-coercible') return;
          if (change.kind === 'unknown') {
            ctx.report({ messageId: 'unknownType', status: 'FLAG', table, verify: `current type of ${table}.${column}`, data: { column, table, newType: formatType(to) } });
            return;
          }
          ctx.reportImpact(ctx.impact(table, 'rewrite'), { messageId: 'rewrite', data: { column, why: change.why, newType: formatType(to) } });
        });
      },
    };
  },
});
