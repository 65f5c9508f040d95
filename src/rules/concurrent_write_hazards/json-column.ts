import type { ColumnDef } from '@pgsql/types';
import { as, canonicalType, formatType, rangeVarName, typeRef } from '../../sql/ast.js';
import { defineRule } from '../define.js';
import { forEachAlterCommand } from '../helpers.js';

/** `json` and `json[]` have no equality operator; `jsonb` does. */
const isJson = (column: ColumnDef): boolean => canonicalType(typeRef(column.typeName).name) === 'json';

export default defineRule({
  id: 'json-column',
  category: 'concurrent_write_hazards',
  pattern: 'change-column-type',
  docs: {
    summary: 'A new json column has no equality operator: DISTINCT, UNION and GROUP BY over it fail. Use jsonb.',
    problem:
      'The json type stores text as given and has no equality operator, so the first query that runs SELECT DISTINCT, UNION (without ALL) or GROUP BY over the column fails with "could not identify an equality operator for type json" — usually in a report or an ORM-generated query long after the migration shipped. jsonb compares, indexes (GIN) and deduplicates.',
    instead: 'ALTER TABLE orders ADD COLUMN metadata json;',
    use: 'ALTER TABLE orders ADD COLUMN metadata jsonb;',
    facts: 'SELECT DISTINCT, UNION and GROUP BY over a json column fail with SQLSTATE 42883; over jsonb they work (shown on PostgreSQL 15; json has never had an equality operator).',
  },
  messages: {
    json: {
      message:
        '{{statement}} gives {{table}} the json column{{plural}} {{columns}}: json has no equality operator, so any SELECT DISTINCT, UNION or GROUP BY over {{columns}} fails with "could not identify an equality operator for type json" — in whichever query first needs it, not in this migration.',
      recommendation:
        'Declare {{columns}} as jsonb: it accepts the same input, compares, deduplicates and can be indexed with GIN. Keep json only if you need the exact input text (key order, duplicate keys, whitespace), and then say so in an ack.',
    },
  },
  create(ctx) {
    const report = (statement: string, table: string, columns: ColumnDef[]): void => {
      if (!columns.length) return;
      const names = columns.map((c) => `${c.colname ?? '?'} ${formatType(typeRef(c.typeName))}`);
      ctx.report({ messageId: 'json', status: 'FLAG', table, data: { statement, table, columns: names.join(', '), plural: columns.length > 1 ? 's' : '' } });
    };
    return {
      CreateStmt(node) {
        const columns = (node.tableElts ?? []).map((e) => as(e, 'ColumnDef')).filter((c): c is ColumnDef => !!c && isJson(c));
        report('CREATE TABLE', rangeVarName(node.relation), columns);
      },
      Statement(statement) {
        const byTable = new Map<string, ColumnDef[]>();
        forEachAlterCommand(statement, (cmd, table) => {
          const column = as(cmd.def, 'ColumnDef');
          if (!column || !isJson(column)) return;
          // ALTER COLUMN … TYPE json makes an existing column json: the same trap.
          if (cmd.subtype === 'AT_AddColumn' || cmd.subtype === 'AT_AlterColumnType') byTable.set(table, [...(byTable.get(table) ?? []), { ...column, colname: column.colname ?? cmd.name }]);
        });
        for (const [table, columns] of byTable) report('ALTER TABLE', table, columns);
      },
    };
  },
});
