import { as, strings } from '../../sql/ast.js';
import { defineRule } from '../define.js';
import { alterCommands, alteredTable } from '../helpers.js';

export default defineRule({
  id: 'add-constraint-builds-index',
  category: 'lock_contention',
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
  },
  create(ctx) {
    return {
      Statement(statement) {
        const table = alteredTable(statement);
        if (!table || ctx.isNew(table)) return;
        for (const cmd of alterCommands(statement)) {
          if (cmd.subtype !== 'AT_AddConstraint') continue;
          const constraint = as(cmd.def, 'Constraint');
          const kinds: Record<string, string> = { CONSTR_PRIMARY: 'PRIMARY KEY', CONSTR_UNIQUE: 'UNIQUE', CONSTR_EXCLUSION: 'EXCLUDE' };
          const kind = kinds[(constraint?.contype as string | undefined) ?? ''];
          if (!constraint || !kind || constraint.indexname) continue;
          const impact = ctx.impact(table, 'index');
          if (impact.status === 'PASS') continue;
          const columns = strings(constraint.keys).join(', ') || '…';
          ctx.report({
            messageId: 'build',
            status: impact.status,
            table,
            pattern: kind === 'PRIMARY KEY' ? 'add-primary-key-using-index' : undefined,
            verify: impact.rows === null ? `size of ${table}` : undefined,
            data: { kind, table, columns, size: impact.size, duration: impact.duration, name: (constraint.conname as string | undefined) ?? `${table}_${kind === 'PRIMARY KEY' ? 'pkey' : 'key'}` },
          });
        }
      },
    };
  },
});
