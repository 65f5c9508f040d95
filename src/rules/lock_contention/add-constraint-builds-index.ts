import type { ConstrType } from '@pgsql/types';
import { as, strings } from '../../sql/ast.js';
import { defineRule } from '../define.js';
import { forEachAlterCommandOnExistingTable } from '../helpers.js';

/** Constraints PostgreSQL backs with an index it builds on the spot, by kind as the messages name it. */
const INDEX_BACKED: Partial<Record<ConstrType, string>> = { CONSTR_PRIMARY: 'PRIMARY KEY', CONSTR_UNIQUE: 'UNIQUE', CONSTR_EXCLUSION: 'EXCLUDE' };

export default defineRule({
  id: 'add-constraint-builds-index',
  category: 'lock_contention',
  alsoCategories: ['concurrent_write_hazards'],
  pattern: 'add-unique-constraint-using-index',
  alsoPatterns: ['add-primary-key-using-index'],
  docs: {
    summary: 'ADD PRIMARY KEY / UNIQUE / EXCLUDE on an existing table builds its index under ACCESS EXCLUSIVE.',
    problem:
      'Adding a primary key, unique or exclusion constraint inline builds the backing index while holding ACCESS EXCLUSIVE on the table: no reads and no writes for the whole build.',
    instead: 'ALTER TABLE orders ADD CONSTRAINT orders_number_key UNIQUE (number);',
    use: 'CREATE UNIQUE INDEX CONCURRENTLY orders_number_key ON orders (number);\nALTER TABLE orders ADD CONSTRAINT orders_number_key UNIQUE USING INDEX orders_number_key;',
    facts: 'ADD CONSTRAINT … USING INDEX only takes a brief ACCESS EXCLUSIVE to attach the finished index.',
    exampleTables: { orders: { rows: 80_000_000 } },
  },
  messages: {
    build: {
      message:
        'ADD {{kind}} on {{table}}({{columns}}) builds its index while holding ACCESS EXCLUSIVE on {{table}} ({{size}}): every read and write waits for {{duration}}.',
      recommendation:
        'Build the index first without blocking: `CREATE UNIQUE INDEX CONCURRENTLY {{name}} ON {{table}} ({{columns}});` (outside a transaction), then attach it: `ALTER TABLE {{table}} ADD CONSTRAINT {{name}} {{kind}} USING INDEX {{name}};`.',
    },
    buildWithColumn: {
      message:
        'ADD COLUMN {{column}} … {{kind}} builds the {{kind}} index on {{table}} ({{size}}) while holding ACCESS EXCLUSIVE on {{table}}: every read and write waits for {{duration}}.',
      recommendation:
        'Add the column without the constraint, fill it in batches, then build the index without blocking: `CREATE UNIQUE INDEX CONCURRENTLY {{name}} ON {{table}} ({{column}});` (outside a transaction) and attach it: `ALTER TABLE {{table}} ADD CONSTRAINT {{name}} {{kind}} USING INDEX {{name}};`.',
    },
  },
  create(ctx) {
    return {
      Statement(statement) {
        forEachAlterCommandOnExistingTable(ctx, statement, (cmd, table) => {
          // `ADD COLUMN id serial PRIMARY KEY`: the inline constraint builds its index the same way.
          const column = cmd.subtype === 'AT_AddColumn' ? as(cmd.def, 'ColumnDef') : undefined;
          for (const inline of column?.constraints ?? []) {
            const constraint = as(inline, 'Constraint');
            const kind = constraint?.contype && INDEX_BACKED[constraint.contype];
            if (!kind || !column?.colname) continue;
            ctx.reportImpact(ctx.impact(table, 'index'), {
              messageId: 'buildWithColumn',
              pattern: kind === 'PRIMARY KEY' ? 'add-primary-key-using-index' : undefined,
              data: { kind, column: column.colname, name: constraint.conname ?? `${table}_${kind === 'PRIMARY KEY' ? 'pkey' : `${column.colname}_key`}` },
            });
          }
          if (cmd.subtype !== 'AT_AddConstraint') return;
          const constraint = as(cmd.def, 'Constraint');
          const kind = constraint?.contype && INDEX_BACKED[constraint.contype];
          if (!constraint || !kind || constraint.indexname) return;
          ctx.reportImpact(ctx.impact(table, 'index'), {
            messageId: 'build',
            pattern: kind === 'PRIMARY KEY' ? 'add-primary-key-using-index' : undefined,
            data: { kind, columns: strings(constraint.keys).join(', ') || '…', name: constraint.conname ?? `${table}_${kind === 'PRIMARY KEY' ? 'pkey' : 'key'}` },
          });
        });
      },
    };
  },
});
