import { blocksWrites, whatItBlocks } from '../../sql/pgfacts.js';
import { locksTaken } from '../../sql/locks.js';
import { defineRule } from '../define.js';
import { statementLabel } from '../helpers.js';

export default defineRule({
  id: 'missing-lock-timeout',
  category: 'lock_contention',
  pattern: 'lock-timeout',
  docs: {
    summary: 'A strong lock on an existing table without `SET lock_timeout` can stall all traffic behind one slow query.',
    problem:
      'Even an instant ALTER TABLE must wait for every transaction already using the table. While it waits in the lock queue, every new query on the table queues behind it, so one long-running report query turns a millisecond change into an outage. A lock_timeout makes the migration give up (and be retried) instead.',
    instead: 'ALTER TABLE orders ADD COLUMN note text;',
    use: "SET lock_timeout = '3s';\nALTER TABLE orders ADD COLUMN note text;",
    facts: 'lock_timeout exists since PostgreSQL 9.3 and applies to each lock wait.',
  },
  messages: {
    missing: {
      message:
        '{{statement}} takes {{mode}} on {{table}}, blocking {{blocked}}, with no lock_timeout: if any transaction is using {{table}}, this statement waits and every query on {{table}} queues behind it.',
      recommendation: "Start the migration with `SET lock_timeout = '3s';` (and retry on timeout), so it gives up instead of stalling traffic.",
    },
  },
  create(ctx) {
    let timeoutSet = false;
    let reported = false;
    return {
      Statement(statement) {
        if (statement.type === 'VariableSetStmt' && String(statement.node.name ?? '').toLowerCase() === 'lock_timeout') {
          timeoutSet = statement.node.kind !== 'VAR_RESET';
          return;
        }
        if (timeoutSet || reported || statement.nested) return;
        const lock = locksTaken(statement, ctx.catalog).find((l) => blocksWrites(l.mode) && !ctx.isNew(l.table));
        if (!lock) return;
        reported = true;
        ctx.report({
          messageId: 'missing',
          status: 'FLAG',
          table: lock.table,
          data: { statement: statementLabel(statement), mode: lock.mode, table: lock.table, blocked: whatItBlocks(lock.mode) },
        });
      },
    };
  },
});
