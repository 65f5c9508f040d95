import { as, formatType, typeRef } from '../../sql/ast.js';
import type { AstNode } from '../../sql/parse.js';
import { classifyTypeChange } from '../../sql/pgfacts.js';
import { defineRule } from '../define.js';
import { alterCommands, alteredTable } from '../helpers.js';

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
        const table = alteredTable(statement);
        if (!table || ctx.isNew(table)) return;
        for (const cmd of alterCommands(statement)) {
          if (cmd.subtype !== 'AT_AlterColumnType') continue;
          const def = as(cmd.def, 'ColumnDef');
          const column = cmd.name as string;
          const to = typeRef(def?.typeName as AstNode);
          const from = ctx.catalog.column(table, column)?.type;
          const change = classifyTypeChange(from, to, !!def?.raw_default);
          if (change.kind === 'binary-coercible') continue;
          const impact = ctx.impact(table, 'rewrite');
          if (change.kind === 'unknown') {
            ctx.report({ messageId: 'unknownType', status: 'FLAG', table, verify: `current type of ${table}.${column}`, data: { column, table, newType: formatType(to) } });
            continue;
          }
          if (impact.status === 'PASS') continue;
          ctx.report({
            messageId: 'rewrite',
            status: impact.status,
            table,
            verify: impact.rows === null ? `size of ${table}` : undefined,
            data: { column, why: change.why, table, size: impact.size, duration: impact.duration, newType: formatType(to) },
          });
        }
      },
    };
  },
});
