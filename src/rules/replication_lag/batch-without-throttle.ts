import { rangeVarName, statementNode } from '../../sql/ast.js';
import { defineRule } from '../define.js';

export default defineRule({
  id: 'batch-without-throttle',
  category: 'replication_lag',
  pattern: 'batched-backfill',
  docs: {
    summary: 'A batched backfill loop that never pauses (no pg_sleep) still floods WAL and replicas, and holds everything in one transaction.',
    problem:
      'Batching only helps if the batches are spaced out and committed. A DO-block loop runs in one transaction: every batch stays locked until the end, and without a pause between batches the WAL arrives as fast as the primary can write it.',
    instead: 'DO $$\nBEGIN\n  LOOP\n    UPDATE users SET email_verified = false WHERE id IN (SELECT id FROM users WHERE email_verified IS NULL LIMIT 10000);\n    EXIT WHEN NOT FOUND;\n  END LOOP;\nEND $$;',
    use: 'DO $$\nBEGIN\n  LOOP\n    UPDATE users SET email_verified = false WHERE id IN (SELECT id FROM users WHERE email_verified IS NULL LIMIT 10000);\n    EXIT WHEN NOT FOUND;\n    COMMIT;\n    PERFORM pg_sleep(0.1);\n  END LOOP;\nEND $$;',
  },
  messages: {
    noPause: {
      message: 'The loop in this {{container}} changes {{table}} batch after batch without a pause{{commits}}: replicas and concurrent writers get no room between batches.',
      recommendation: 'Add `PERFORM pg_sleep(0.1);` between batches and COMMIT each batch (a procedure called with CALL, or a job outside the migration), tracking progress so the backfill can resume.',
    },
  },
  create(ctx) {
    let reported = false;
    return {
      Statement(statement) {
        const nested = statement.nested;
        if (reported || !nested?.inLoop || nested.loopSleeps) return;
        const write = statementNode(statement, 'UpdateStmt') ?? statementNode(statement, 'DeleteStmt');
        if (!write) return;
        const table = rangeVarName(write.relation);
        if (!table || ctx.isNew(table)) return;
        reported = true;
        ctx.report({ messageId: 'noPause', status: 'FLAG', table, data: { container: nested.container, table, commits: nested.loopCommits ? '' : ', and every batch stays in one transaction until the block ends' } });
      },
    };
  },
});
