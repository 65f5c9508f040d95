import { as, calledFunctions, typeRef } from '../../sql/ast.js';
import type { AstNode } from '../../sql/parse.js';
import { isSerialType, isVolatileFunction } from '../../sql/pgfacts.js';
import { defineRule } from '../define.js';
import { alterCommands, alteredTable } from '../helpers.js';

export default defineRule({
  id: 'add-column-volatile-default',
  category: 'lock_contention',
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
        const table = alteredTable(statement);
        if (!table || ctx.isNew(table)) return;
        for (const cmd of alterCommands(statement)) {
          if (cmd.subtype !== 'AT_AddColumn') continue;
          const column = as(cmd.def, 'ColumnDef');
          if (!column) continue;
          const why = rewriteReason(column, ctx.config.postgres);
          if (!why) continue;
          const impact = ctx.impact(table, 'rewrite');
          if (impact.status === 'PASS') continue;
          const type = typeRef(column.typeName as AstNode).name;
          ctx.report({
            messageId: 'rewrite',
            status: impact.status,
            table,
            verify: impact.rows === null ? `size of ${table}` : undefined,
            data: { column: column.colname as string, why, table, size: impact.size, duration: impact.duration, type: type === 'serial' ? 'integer' : type === 'bigserial' ? 'bigint' : type },
          });
        }
      },
    };
  },
});

function rewriteReason(column: AstNode, postgres: number): string | null {
  const type = typeRef(column.typeName as AstNode);
  if (isSerialType(type.name)) return `is ${type.name} (a nextval() default per row)`;
  for (const c of (column.constraints as AstNode[] | undefined) ?? []) {
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
