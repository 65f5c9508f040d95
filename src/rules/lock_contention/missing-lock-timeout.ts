import { tableStats } from '../../core/impact.js';
import type { Statement } from '../../sql/parse.js';
import { locksTaken } from '../../sql/locks.js';
import { whatItBlocks } from '../../sql/pgfacts.js';
import { defineRule, type RuleContext } from '../define.js';
import { settingChange, statementLabel, timeoutEnabled } from '../helpers.js';

/**
 * JUDGMENT.md principle 7: one FLAG per file, only for ACCESS EXCLUSIVE on an existing table that
 * is not small (unknown size counts as not small), and only where no other finding on that
 * statement is already a BLOCK (the fix there is bigger than a timeout). Not for new tables, not
 * for the SHARE ROW EXCLUSIVE a new table's foreign key takes on its parent (not ACCESS
 * EXCLUSIVE), and not when the runner sets lock_timeout for every migration.
 */
export default defineRule({
  id: 'missing-lock-timeout',
  category: 'lock_contention',
  pattern: 'lock-timeout',
  docs: {
    summary: 'ACCESS EXCLUSIVE on an existing table without `SET lock_timeout` can stall all traffic behind one slow query.',
    problem:
      'Even an instant ALTER TABLE must wait for every transaction already using the table. While it waits in the lock queue, every new query on the table queues behind it, so one long-running report query turns a millisecond change into an outage. A lock_timeout makes the migration give up (and be retried) instead. Reported once per file, for ACCESS EXCLUSIVE on an existing table that is not small, and not where the same statement already has a BLOCK.',
    instead: 'ALTER TABLE orders ADD COLUMN note text;',
    use: "SET lock_timeout = '3s';\nALTER TABLE orders ADD COLUMN note text;",
    facts:
      'lock_timeout exists since PostgreSQL 9.3 and applies to each lock wait. SET LOCAL outside a transaction block has no effect (PostgreSQL warns and ignores it); lock_timeout = 0 turns the timeout off.',
  },
  messages: {
    missing: {
      message:
        '{{statement}} takes {{mode}} on {{table}}, blocking {{blocked}}, with no lock_timeout: if any transaction is using {{table}}, this statement waits and every query on {{table}} queues behind it.',
      recommendation: "Start the migration with `SET lock_timeout = '3s';` (and retry on timeout), so it gives up instead of stalling traffic.",
    },
    ineffective: {
      message:
        '`SET LOCAL lock_timeout` at line {{setLine}} runs outside a transaction block, where PostgreSQL ignores it: {{statement}} still takes {{mode}} on {{table}} with no lock_timeout, and every query on {{table}} queues behind it while it waits.',
      recommendation: "Use a session-level `SET lock_timeout = '3s';` here (this file does not run in a transaction), and reset it at the end of the file.",
    },
  },
  create(ctx) {
    // An earlier file of the change may have set it for the whole connection (golang-migrate).
    const carried = ctx.carriedSetting('lock_timeout');
    let timeout: 'set' | 'unset' = carried && timeoutEnabled(carried) ? 'set' : 'unset';
    let ignoredLocalSet: number | null = null;
    const candidates: { statement: Statement; table: string }[] = [];
    const runnerSetsIt = ctx.config.runner.setsLockTimeout || /\block_timeout\b/i.test(ctx.file.sessionSetup ?? '');
    return {
      Statement(statement) {
        const set = lockTimeoutSetting(statement);
        if (set) {
          if (set.local && ctx.inTransaction === false) ignoredLocalSet = statement.line;
          else timeout = set.enabled ? 'set' : 'unset';
          return;
        }
        if (timeout === 'set' || statement.nested) return;
        const lock = locksTaken(statement, ctx.catalog).find((l) => l.mode === 'ACCESS EXCLUSIVE' && !ctx.isNew(l.table) && !isSmall(ctx, l.table));
        if (lock) candidates.push({ statement, table: lock.table });
      },
      'File:exit'() {
        if (runnerSetsIt) return;
        // The first statement that needs it and is not already a BLOCK for another reason.
        const chosen = candidates.find((c) => !ctx.findingsAt(c.statement.line).some((f) => f.status === 'BLOCK'));
        if (!chosen) return;
        const { statement, table } = chosen;
        ctx.report({
          messageId: ignoredLocalSet !== null ? 'ineffective' : 'missing',
          status: 'FLAG',
          table,
          line: statement.line,
          data: { statement: statementLabel(statement), mode: 'ACCESS EXCLUSIVE', table, blocked: whatItBlocks('ACCESS EXCLUSIVE'), setLine: ignoredLocalSet ?? 0 },
        });
      },
    };
  },
});

/** A table at or under `thresholds.smallTableRows` (configured size): a lock on it is brief. */
function isSmall(ctx: RuleContext, table: string): boolean {
  const rows = tableStats(ctx.config, table)?.rows;
  return rows !== undefined && rows <= ctx.config.thresholds.smallTableRows;
}

/** `SET [LOCAL] lock_timeout …` / `RESET lock_timeout`: whether it turns a timeout on, and its scope. */
function lockTimeoutSetting(statement: Statement): { enabled: boolean; local: boolean } | null {
  const change = settingChange(statement);
  return change?.name === 'lock_timeout' ? { enabled: timeoutEnabled(change), local: change.local } : null;
}
