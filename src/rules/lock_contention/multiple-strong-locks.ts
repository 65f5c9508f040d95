import { blocksWrites } from '../../sql/pgfacts.js';
import { locksTaken } from '../../sql/locks.js';
import { defineRule } from '../define.js';

export default defineRule({
  id: 'multiple-strong-locks',
  category: 'lock_contention',
  pattern: 'one-lock-per-transaction',
  docs: {
    summary: 'One transaction takes write-blocking locks on several existing tables and holds them all until COMMIT.',
    problem:
      'Locks are released only at commit. A migration that locks orders, then payments, keeps orders locked while it works on payments, and can deadlock with application transactions that touch the two tables in the other order.',
    instead: 'ALTER TABLE orders ADD COLUMN a text;\nALTER TABLE payments ADD COLUMN b text;',
    use: 'ALTER TABLE orders ADD COLUMN a text;',
  },
  messages: {
    several: {
      message:
        'This transaction holds {{first}} on {{firstTable}} and then takes {{second}} on {{table}}: both stay locked until COMMIT, so {{firstTable}} waits on whatever {{table}} waits for, and application transactions touching both can deadlock.',
      recommendation: 'Split the changes into one migration (one transaction) per table, each with a short lock_timeout.',
    },
  },
  create(ctx) {
    const held = new Map<string, string>();
    let reported = false;
    return {
      Statement(statement) {
        if (statement.type === 'TransactionStmt') {
          held.clear();
          reported = false;
          return;
        }
        if (ctx.inTransaction !== true || reported) return;
        for (const lock of locksTaken(statement, ctx.catalog)) {
          if (!blocksWrites(lock.mode) || ctx.isNew(lock.table)) continue;
          const [firstTable, first] = [...held][0] ?? [];
          if (firstTable && firstTable !== lock.table && !held.has(lock.table)) {
            reported = true;
            ctx.report({ messageId: 'several', status: 'FLAG', table: lock.table, data: { first: first!, firstTable, second: lock.mode, table: lock.table } });
            return;
          }
          if (!held.has(lock.table)) held.set(lock.table, lock.mode);
        }
      },
    };
  },
});
