import type { CodeRef } from '../../core/types.js';
import { flag, indexColumns, qualifiedName, rangeVarName, statementNode } from '../../sql/ast.js';
import { queriesBy } from '../../repo/code-refs.js';
import type { IndexInfo } from '../../sql/catalog.js';
import { defineRule, type RuleContext } from '../define.js';
import { lostUniqueness } from '../helpers.js';

export default defineRule({
  id: 'drop-index-used-by-code',
  category: 'index_dependencies',
  pattern: 'drop-index-safely',
  docs: {
    summary: 'Dropping an index whose table and columns are still queried by the application code.',
    problem:
      'Queries that relied on the index fall back to sequential scans the moment it is gone: p99 latency jumps and the database CPU climbs. migration-review searches the repository (outside the migrations) for queries that name the table and the index\'s leading column.',
    schema: 'CREATE TABLE orders (id bigint, status text);\nCREATE INDEX idx_orders_status ON orders (status);',
    instead: 'DROP INDEX CONCURRENTLY idx_orders_status;',
    use: 'CREATE INDEX CONCURRENTLY idx_orders_created ON orders (id);',
  },
  messages: {
    used: {
      message: 'DROP INDEX {{index}} removes the index on {{table}}({{columns}}), and the code still queries {{table}} by {{lead}} with no other index on it: {{refs}}. Those queries fall back to sequential scans.{{uniqueness}}',
      recommendation: 'Keep the index, or create the replacement (CREATE INDEX CONCURRENTLY on {{lead}}) before dropping it; confirm with `SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = \'{{index}}\'` over a full business cycle.',
    },
    onConflict: {
      message: 'DROP INDEX {{index}} removes the only plain unique index on {{table}}({{columns}}), and the code runs ON CONFLICT ({{columns}}) at {{refs}}: without it PostgreSQL rejects that statement ("there is no unique or exclusion constraint matching the ON CONFLICT specification").',
      recommendation: 'Keep a non-partial unique index on exactly ({{columns}}) — build the new one CONCURRENTLY first — or change the ON CONFLICT target in the code and deploy that before dropping it.',
    },
    noCode: {
      message: 'DROP INDEX {{index}} removes the index on {{table}}({{columns}}), and this repository has no application code to check which queries use it.',
      recommendation: 'Check pg_stat_user_indexes.idx_scan for {{index}} in production over a full business cycle before dropping it.',
    },
    unknown: {
      message: 'DROP INDEX {{index}}: its definition is not in the migrations reviewed, so migration-review cannot tell which queries used it.',
      recommendation: 'Check pg_stat_user_indexes.idx_scan for {{index}} in production before dropping it.',
    },
  },
  create(ctx) {
    return {
      DropStmt(node, statement) {
        if (node.removeType !== 'OBJECT_INDEX') return;
        for (const object of node.objects ?? []) {
          const name = qualifiedName(object);
          const index = ctx.catalog.indexes.get(name);
          if (!index) {
            if (!flag(node, 'missing_ok')) ctx.report({ messageId: 'unknown', status: 'FLAG', verify: `no query needs ${name}`, data: { index: name } });
            continue;
          }
          if (ctx.isNew(index.table) || index.createdIn === ctx.file.path) continue;
          const lead = index.columns[0];
          if (!lead || lead.startsWith('(')) continue;
          const data = { index: name, table: index.table, columns: index.columns.join(', '), lead };
          const remaining = remainingIndexes(ctx, index, statement.line);
          // A query that only reads the column does not need the index; one that filters, joins or sorts by it does.
          const refs = ctx.codeRefs(index.table, [lead]).filter((r) => queriesBy(r, lead));
          const upserts = refs.filter((r) => onConflictColumns(r.window ?? r.text)?.join(',') === index.columns.join(','));
          const uniqueLeft = remaining.some((i) => i.unique && !i.partial && i.columns.join(',') === index.columns.join(','));
          if (index.unique && !index.partial && upserts.length && !uniqueLeft) {
            ctx.report({ messageId: 'onConflict', status: 'BLOCK', table: index.table, data: { ...data, refs: where(upserts) } });
            continue;
          }
          // Another index with the same leading column keeps serving the same queries.
          if (remaining.some((i) => i.columns[0] === lead && !i.partial)) continue;
          if (refs.length) ctx.report({ messageId: 'used', status: 'BLOCK', table: index.table, data: { ...data, refs: where(refs), uniqueness: lostUniqueness(ctx.catalog, ctx.statements, statement, index) } });
          else if (!ctx.codeAvailable) ctx.report({ messageId: 'noCode', status: 'FLAG', table: index.table, verify: `no query needs ${name}`, data });
        }
      },
    };
  },
});

const where = (refs: CodeRef[]): string => refs.slice(0, 3).map((r) => `${r.file}:${r.line}`).join(', ');

/** The indexes of the table once this one is gone: the others now, and those this file creates after the drop. */
function remainingIndexes(ctx: RuleContext, dropped: IndexInfo, dropLine: number): Pick<IndexInfo, 'columns' | 'unique' | 'partial'>[] {
  const others = ctx.catalog.indexesOn(dropped.table).filter((i) => i.name !== dropped.name);
  const later = ctx.statements
    .filter((s) => s.line > dropLine)
    .map((s) => statementNode(s, 'IndexStmt'))
    .filter((i): i is NonNullable<typeof i> => !!i && rangeVarName(i.relation) === dropped.table)
    .map((i) => ({ columns: indexColumns(i.indexParams), unique: flag(i, 'unique'), partial: !!i.whereClause }));
  return [...others, ...later];
}

/** The column list of an `ON CONFLICT (a, b)` target in a line of code, lower-cased. */
function onConflictColumns(text: string): string[] | null {
  const match = /\bON\s+CONFLICT\s*\(([^)]*)\)/i.exec(text);
  return match ? match[1]!.split(',').map((c) => c.trim().replace(/"/g, '').toLowerCase()) : null;
}
