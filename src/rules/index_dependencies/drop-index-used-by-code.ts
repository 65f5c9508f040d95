import type { CodeRef } from '../../core/types.js';
import { flag, indexColumns, qualifiedName, rangeVarName, statementNode } from '../../sql/ast.js';
import { queriesBy } from '../../repo/code-refs.js';
import type { IndexInfo } from '../../sql/catalog.js';
import { indexUsage, type IndexUsage } from '../../stats/apply.js';
import { defineRule, type RuleContext } from '../define.js';
import { lostUniqueness } from '../helpers.js';

export default defineRule({
  id: 'drop-index-used-by-code',
  category: 'index_dependencies',
  pattern: 'drop-index-safely',
  docs: {
    summary: 'Dropping an index whose table and columns are still queried by the application code.',
    problem:
      'Queries that relied on the index fall back to sequential scans the moment it is gone: p99 latency jumps and the database CPU climbs. migration-review searches the repository (outside the migrations) for queries that name the table and the index\'s leading column. With a database statistics file (`migration-review stats`) the database itself answers: an index scanned heavily is in use whoever queries it, even another service; a non-unique index not scanned once in the 7 days or more its counters cover is not, whatever the code mentions.',
    facts:
      'pg_stat_user_indexes.idx_scan counts the scans on the server that ran them (a replica counts only its own) since pg_stat_database.stats_reset; an INSERT … ON CONFLICT counts a scan of its arbiter index, but a plain INSERT\'s uniqueness check does not, so a unique index can enforce a constraint with zero scans (checked on PostgreSQL 15).',
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
    heavilyScanned: {
      message: 'DROP INDEX {{index}} removes an index the database scanned {{scans}} times in the {{window}} (about {{perDay}} a day, pg_stat_user_indexes): {{who}} Those queries fall back to sequential scans of {{table}} the moment it is gone.',
      recommendation: 'Keep the index. Find who scans it (pg_stat_statements, the services that share this database) and move them to another index first; build any replacement CONCURRENTLY before dropping this one.',
    },
    scannedElsewhere: {
      message: 'DROP INDEX {{index}}: no query in this repository needs it, yet the database scanned it {{scans}} times in the {{window}} — a job, a report or another service still uses it.',
      recommendation: 'Find the caller in pg_stat_statements or the other services\' code; drop the index once idx_scan stays flat over a full business cycle.',
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
          const usage = indexUsage(ctx.config.stats, name);
          // The database's own answer: not scanned once in a week or more of counting. A unique
          // index is the exception: it enforces uniqueness without counting a scan. A stale file
          // cannot vouch for today: the code decides then.
          if (usage && usage.scans === 0 && !index.unique && !usage.stale && usage.countedDays >= UNUSED_AFTER_DAYS) continue;
          const lead = index.columns[0];
          const data = { index: name, table: index.table, columns: index.columns.join(', '), lead: lead ?? '' };
          if (!lead || lead.startsWith('(')) {
            if (usage && isHeavy(usage)) ctx.report({ messageId: 'heavilyScanned', status: 'BLOCK', table: index.table, data: { ...data, ...scanData(usage), who: 'something still queries by its expression.' } });
            continue;
          }
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
          if (usage && isHeavy(usage)) {
            const who = refs.length ? `the code queries ${index.table} by ${lead} at ${where(refs)}.` : `no query in this repository does, so another service, job or report queries ${index.table} by ${lead}.`;
            ctx.report({ messageId: 'heavilyScanned', status: 'BLOCK', table: index.table, data: { ...data, ...scanData(usage), who } });
          } else if (refs.length) ctx.report({ messageId: 'used', status: 'BLOCK', table: index.table, data: { ...data, refs: where(refs), uniqueness: lostUniqueness(ctx.catalog, ctx.statements, statement, index) } });
          else if (usage && usage.scans > 0) ctx.report({ messageId: 'scannedElsewhere', status: 'FLAG', table: index.table, verify: `who still scans ${name}`, data: { ...data, ...scanData(usage) } });
          else if (!ctx.codeAvailable) ctx.report({ messageId: 'noCode', status: 'FLAG', table: index.table, verify: `no query needs ${name}`, data });
        }
      },
    };
  },
});

/** Counters that cover at least this many days can say an index is unused. */
const UNUSED_AFTER_DAYS = 7;
/** From this many scans a day (averaged over the counting window, a window under a day counted as one) an index is in real use. */
const HEAVY_SCANS_PER_DAY = 1000;

const perDay = (usage: IndexUsage): number => usage.scans / Math.max(1, usage.countedDays);
const isHeavy = (usage: IndexUsage): boolean => perDay(usage) >= HEAVY_SCANS_PER_DAY;

function scanData(usage: IndexUsage): Record<string, string> {
  const days = Math.round(usage.countedDays);
  const date = usage.countedUntil.slice(0, 10);
  return {
    scans: usage.scans.toLocaleString('en-US'),
    perDay: Math.round(perDay(usage)).toLocaleString('en-US'),
    window: days < 1 ? `hours before ${date}` : `${days} day${days === 1 ? '' : 's'} before ${date}`,
  };
}

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
