import { formatType } from '../../sql/ast.js';
import { defineRule } from '../define.js';
import { columnTypeChange, forEachAlterCommandOnExistingTable, sessionTimeZoneIsUtc } from '../helpers.js';

export default defineRule({
  id: 'alter-column-type-rewrite',
  category: 'lock_contention',
  pattern: 'change-column-type',
  docs: {
    summary: 'ALTER COLUMN … TYPE that is not binary-coercible rewrites the table under ACCESS EXCLUSIVE.',
    problem:
      'Changing a column to a type whose bytes differ (integer → bigint, text → jsonb, timestamp → timestamptz outside UTC) rewrites every row and rebuilds every index on the table, all under ACCESS EXCLUSIVE: no reads, no writes until it finishes. Growing a varchar, varchar → text, numeric and timestamp precision increases, and timestamp ↔ timestamptz when the migration sets the session TimeZone to UTC, do not rewrite the table — but they still rebuild, under the same lock, the indexes that read the column: the expression and partial ones always, and every one for timestamp ↔ timestamptz (its operator class changes). On a big table that rebuild is as long as any index build.',
    schema: 'CREATE TABLE events (id integer PRIMARY KEY, name varchar(50));',
    instead: 'ALTER TABLE events ALTER COLUMN id TYPE bigint;',
    use: 'ALTER TABLE events ALTER COLUMN name TYPE varchar(200);',
    exampleTables: { events: { rows: 5_000_000 } },
    facts:
      'Checked on PostgreSQL 15 (relfilenode of the table and of each index before and after): varchar(50) → varchar(200), varchar → text and timestamp(3) → timestamp keep the table and its plain indexes but rebuild partial and expression indexes on the column; timestamp ↔ timestamptz under TimeZone UTC (also Etc/UTC, GMT, 0) keeps the table and rebuilds every index on the column, and rewrites the table under any other zone; integer → bigint rewrites the table.',
  },
  messages: {
    rewrite: {
      message:
        'ALTER COLUMN {{column}} TYPE ({{why}}) rewrites all of {{table}} ({{size}}) and rebuilds its indexes under an ACCESS EXCLUSIVE lock: every read and write on {{table}} waits for {{duration}}.',
      recommendation:
        'Expand and contract instead: add a new {{newType}} column, keep it in sync with a trigger, backfill it in batches, switch the application over, then drop the old column.',
    },
    rebuildsIndexes: {
      message:
        'ALTER COLUMN {{column}} TYPE ({{why}}) does not rewrite {{table}}, but rebuilds {{which}} ({{indexes}}) under an ACCESS EXCLUSIVE lock: every read and write on {{table}} ({{size}}) waits for {{duration}}.',
      recommendation:
        'Drop {{indexes}} with DROP INDEX CONCURRENTLY before the type change and build {{indexes}} again with CREATE INDEX CONCURRENTLY after it, so the ALTER itself stays catalog-only.',
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
          const typeChange = columnTypeChange(ctx.catalog, table, cmd, { utc: sessionTimeZoneIsUtc(ctx.statements, statement) });
          if (!typeChange) return;
          const { column, from, to, change } = typeChange;
          if (change.kind === 'binary-coercible') {
            const everyIndex = change.rebuilds === 'every-index-on-column';
            const rebuilt = ctx.catalog.indexesOn(table).filter((index) => index.referencedColumns.includes(column) && (everyIndex || index.expressionOrPartial));
            if (rebuilt.length === 0) return;
            ctx.reportImpact(ctx.impact(table, 'index'), {
              messageId: 'rebuildsIndexes',
              data: {
                column,
                why: `${from ? formatType(from) : '?'} → ${formatType(to)}`,
                which: everyIndex ? `every index on ${column} (its operator class changes)` : `the expression and partial indexes that read ${column}`,
                indexes: rebuilt.map((index) => index.name).join(', '),
              },
            });
            return;
          }
          if (change.kind === 'unknown') {
            ctx.report({ messageId: 'unknownType', status: 'FLAG', table, verify: `current type of ${table}.${column}`, data: { column, table, newType: formatType(to) } });
            return;
          }
          // A rewrite copies every row: the WAL burst puts replicas behind too (JUDGMENT.md principle 3).
          ctx.reportImpact(ctx.impact(table, 'rewrite'), { messageId: 'rewrite', categories: ['lock_contention', 'replication_lag'], data: { column, why: change.why, newType: formatType(to) } });
        });
      },
    };
  },
});
