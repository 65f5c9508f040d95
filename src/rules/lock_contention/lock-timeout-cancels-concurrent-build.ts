import { flag, rangeVarName, statementNode } from '../../sql/ast.js';
import type { Catalog } from '../../sql/catalog.js';
import type { Statement } from '../../sql/parse.js';
import { defineRule } from '../define.js';
import { settingChange, timeoutEnabled } from '../helpers.js';

/**
 * JUDGMENT.md principle 7, last sentence: a session-level `SET lock_timeout` in one file of the
 * change is still set when a later file builds an index CONCURRENTLY on the same connection
 * (golang-migrate). The build waits for every transaction that may write the table, and that wait
 * is a lock wait: when it outlasts the timeout the build is cancelled and leaves an INVALID index
 * under its name. The author of the later file cannot see the setting, so it is worth a FLAG.
 */
export default defineRule({
  id: 'lock-timeout-cancels-concurrent-build',
  category: 'lock_contention',
  pattern: 'create-index-concurrently',
  docs: {
    summary: "A lock_timeout an earlier migration set for the session is still in effect when a later one builds an index CONCURRENTLY: a long transaction cancels the build and leaves an INVALID index.",
    problem:
      'Runners that apply every pending migration on one connection (golang-migrate) keep a session-level `SET lock_timeout` from one file for the next. A CONCURRENTLY build waits for every transaction that may write the table, and that wait counts against lock_timeout: one transaction open longer than the timeout cancels the build halfway and leaves an INVALID index behind, which the retry then trips over ("already exists").',
    instead: "-- 000002_add_column.up.sql\nSET lock_timeout = '3s';\nALTER TABLE orders ADD COLUMN gift_wrap boolean;\n-- 000003_index.up.sql\nCREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);",
    use: "-- 000002_add_column.up.sql\nSET lock_timeout = '3s';\nALTER TABLE orders ADD COLUMN gift_wrap boolean;\nRESET lock_timeout;\n-- 000003_index.up.sql\nCREATE INDEX CONCURRENTLY orders_status_idx ON orders (status);",
    facts:
      'With lock_timeout = 300ms and another transaction holding an uncommitted INSERT on the table, CREATE INDEX CONCURRENTLY fails with SQLSTATE 55P03 and pg_index.indisvalid of the index it started is false (shown on PostgreSQL 15). golang-migrate\'s postgres driver takes one *sql.Conn in WithInstance and runs every migration on it.',
  },
  messages: {
    carried: {
      message:
        "{{build}} runs with lock_timeout = '{{value}}', set at {{file}}:{{line}} ({{runner}}, so the setting is still on the connection): the build waits for every transaction that may write {{table}}, and one open longer than {{value}} cancels it and leaves the INVALID index {{index}} behind.",
      recommendation:
        "End {{file}} with `RESET lock_timeout;` (a timeout is for ACCESS EXCLUSIVE statements, not for CONCURRENTLY builds), or start this file with `SET lock_timeout = 0;`. If a build was cancelled, drop the INVALID index (`DROP INDEX CONCURRENTLY IF EXISTS {{index}};`) before retrying.",
    },
  },
  create(ctx) {
    // This file's own SET/RESET of lock_timeout before the build is a choice its author made.
    let ownSetting = false;
    return {
      Statement(statement) {
        if (statement.nested) return;
        if (settingChange(statement)?.name === 'lock_timeout') ownSetting = true;
        const carried = ctx.carriedSetting('lock_timeout');
        if (ownSetting || !carried || !timeoutEnabled(carried)) return;
        const build = concurrentBuild(statement, ctx.catalog);
        if (!build || ctx.isNew(build.table)) return;
        ctx.report({
          messageId: 'carried',
          status: 'FLAG',
          table: build.table,
          data: { build: build.label, value: carried.value, file: carried.file, line: carried.line, runner: ctx.file.sharedSession ?? '', table: build.table, index: build.index },
        });
      },
    };
  },
});

/** CREATE INDEX CONCURRENTLY / REINDEX … CONCURRENTLY: the statements a cancel leaves an INVALID index behind. */
function concurrentBuild(statement: Statement, catalog: Catalog): { label: string; table: string; index: string } | null {
  const index = statementNode(statement, 'IndexStmt');
  if (index && flag(index, 'concurrent')) {
    const table = rangeVarName(index.relation);
    const name = index.idxname ?? `(the index on ${table})`;
    return { label: `CREATE INDEX CONCURRENTLY ${name}`, table, index: name };
  }
  const reindex = statementNode(statement, 'ReindexStmt');
  const concurrently = (reindex?.params ?? []).some((p) => (p as { DefElem?: { defname?: string } }).DefElem?.defname === 'concurrently');
  if (reindex && concurrently && reindex.relation) {
    const name = rangeVarName(reindex.relation);
    // REINDEX INDEX names the index; REINDEX TABLE the table (its new indexes are `<name>_ccnew`).
    return reindex.kind === 'REINDEX_OBJECT_INDEX'
      ? { label: `REINDEX INDEX CONCURRENTLY ${name}`, table: catalog.indexes.get(name)?.table ?? name, index: `${name}_ccnew` }
      : { label: `REINDEX TABLE CONCURRENTLY ${name}`, table: name, index: `${name}'s *_ccnew indexes` };
  }
  return null;
}
