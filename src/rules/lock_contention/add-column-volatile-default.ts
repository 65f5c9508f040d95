import type { ColumnDef } from '@pgsql/types';
import { as, calledFunctions, typeRef } from '../../sql/ast.js';
import { isSerialType, isVolatileFunction } from '../../sql/pgfacts.js';
import { defineRule } from '../define.js';
import { forEachAlterCommandOnExistingTable } from '../helpers.js';

export default defineRule({
  id: 'add-column-volatile-default',
  category: 'lock_contention',
  alsoCategories: ['replication_lag'],
  pattern: 'volatile-default',
  docs: {
    summary: 'ADD COLUMN whose default differs per row (random(), gen_random_uuid(), serial, identity, stored generated) rewrites the table.',
    problem:
      'Since PostgreSQL 11 a constant or STABLE default (false, now()) is stored once in the catalog and ADD COLUMN is instant. A VOLATILE default, a serial or identity column, or a stored generated column must be computed for every row: PostgreSQL rewrites the whole table under ACCESS EXCLUSIVE, blocking reads and writes. Before PG 11 every default rewrites.',
    instead: 'ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();',
    use: 'ALTER TABLE orders ADD COLUMN public_id uuid;\nALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();',
    facts: 'Checked on PostgreSQL: DEFAULT now() and DEFAULT false keep the relfilenode (no rewrite); DEFAULT random() and gen_random_uuid() change it (rewrite).',
    exampleTables: { orders: { rows: 80_000_000 } },
  },
  messages: {
    rewrite: {
      message:
        'ADD COLUMN {{column}} {{why}}, so PostgreSQL rewrites all of {{table}} ({{size}}) under an ACCESS EXCLUSIVE lock: every read and write on {{table}} waits for {{duration}}.',
      recommendation:
        'Add the column without the per-row default (`ALTER TABLE {{table}} ADD COLUMN {{column}} {{type}};`), then `ALTER TABLE {{table}} ALTER COLUMN {{column}} SET DEFAULT …` for new rows, and backfill existing rows in batches of ≤ 10,000 in a later migration.',
    },
  },
  create(ctx) {
    return {
      Statement(statement) {
        forEachAlterCommandOnExistingTable(ctx, statement, (cmd, table) => {
          const column = as(cmd.def, 'ColumnDef');
          if (cmd.subtype !== 'AT_AddColumn' || !column?.colname) return;
          const why = rewriteReason(column, ctx.config.postgres);
          if (!why) return;
          const type = typeRef(column.typeName).name;
          ctx.reportImpact(ctx.impact(table, 'rewrite'), {
            messageId: 'rewrite',
            data: { column: column.colname, why, type: type === 'serial' ? 'integer' : type === 'bigserial' ? 'bigint' : type },
          });
        });
      },
    };
  },
});

function rewriteReason(column: ColumnDef, postgres: number): string | null {
  const type = typeRef(column.typeName);
  if (isSerialType(type.name)) return `is ${type.name} (a nextval() default per row)`;
  for (const c of column.constraints ?? []) {
    const constraint = as(c, 'Constraint');
    if (!constraint) continue;
    if (constraint.contype === 'CONSTR_IDENTITY') return 'is an identity column (a sequence value per row)';
    if (constraint.contype === 'CONSTR_GENERATED') return 'is a stored generated column (computed for every row)';
    if (constraint.contype === 'CONSTR_DEFAULT') {
      if (postgres < 11) return 'has a DEFAULT, and before PostgreSQL 11 every default is written into each row';
      const volatile = calledFunctions(constraint.raw_expr).find(isVolatileFunction);
      if (volatile) return `has a volatile DEFAULT (${volatile}() gives each row its own value)`;
    }
  }
  return null;
}
