import { as, isVacuumCommand, rangeVarName } from '../../sql/ast.js';
import { defineRule } from '../define.js';

export default defineRule({
  id: 'vacuum-full-or-cluster',
  category: 'lock_contention',
  alsoCategories: ['replication_lag'],
  pattern: 'repack-online',
  docs: {
    summary: 'VACUUM FULL and CLUSTER rewrite the table under ACCESS EXCLUSIVE.',
    problem: 'Both copy the whole table into new files while holding ACCESS EXCLUSIVE: the table is unreadable and unwritable until the copy and its index rebuilds finish. Without a table name they do it to every table in the database.',
    instead: 'VACUUM FULL orders;',
    use: 'VACUUM (ANALYZE) orders;',
    exampleTables: { orders: { rows: 80_000_000 } },
  },
  messages: {
    rewrite: {
      message: '{{command}} rewrites {{table}} ({{size}}) under ACCESS EXCLUSIVE: every read and write on it waits for {{duration}}.',
      recommendation: 'Reclaim space online, run by an operator outside the migration: `REPACK (CONCURRENTLY)` on PostgreSQL 19+, pg_repack before it; a plain VACUUM does not block traffic.',
    },
  },
  create(ctx) {
    const check = (command: string, tables: string[]): void => {
      if (tables.length === 0) {
        ctx.report({ messageId: 'rewrite', status: 'BLOCK', data: { command, table: 'every table in the database', size: 'all data', duration: 'the whole rewrite' } });
        return;
      }
      for (const table of tables) {
        ctx.reportImpact(ctx.impact(table, 'rewrite'), { messageId: 'rewrite', data: { command } });
      }
    };
    return {
      VacuumStmt(node) {
        const full = (node.options ?? []).some((o) => as(o, 'DefElem')?.defname === 'full');
        if (!full || !isVacuumCommand(node)) return;
        check('VACUUM FULL', (node.rels ?? []).map((r) => rangeVarName(as(r, 'VacuumRelation')?.relation)));
      },
      ClusterStmt(node) {
        check('CLUSTER', node.relation ? [rangeVarName(node.relation)] : []);
      },
    };
  },
});
