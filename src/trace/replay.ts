import type { MigrationFile } from '../core/types.js';
import type { Executor } from './executor.js';
import { Clock, endsTheTrace, execWithinBudget } from './runner.js';
import { refusal, ROLE_STATEMENTS } from './sandbox.js';
import { topLevel } from './statements.js';
import type { ReplayNote, TraceLimits, TraceResult } from './trace.js';

/**
 * Replays history into a fresh database: statement by statement, skipping what fails (with a
 * note). Within the trace's budget when given its clock (drift has none).
 */
export async function replayHistory(
  executor: Executor,
  history: MigrationFile[],
  limits: TraceLimits,
  clock = new Clock(Number.POSITIVE_INFINITY),
): Promise<TraceResult['base']> {
  const started = Date.now();
  const skipped: ReplayNote[] = [];
  let statements = 0;
  for (const file of history) {
    if (file.upSql.length > limits.maxFileBytes) {
      skipped.push({ file: file.path, line: file.upStartLine, message: 'too large to replay' });
      continue;
    }
    const { statements: list, problem } = topLevel(file, 'up');
    if (problem) {
      skipped.push({ file: file.path, line: file.upStartLine, message: problem });
      continue;
    }
    for (const { statement, nested } of list) {
      // Statements run one by one here, outside any transaction: transaction control has nothing
      // to do, and LOCK (which only lasts until its transaction ends) would only fail.
      if (statement.type === 'TransactionStmt' || statement.type === 'LockStmt') continue;
      statements++;
      if (ROLE_STATEMENTS.has(statement.type)) {
        skipped.push({ file: file.path, line: statement.line, message: 'not run: roles are shared by the whole server' });
        continue;
      }
      const refused = [statement, ...nested].map(refusal).find(Boolean);
      if (refused) {
        skipped.push({ file: file.path, line: statement.line, message: `not run: ${refused}` });
        continue;
      }
      try {
        await execWithinBudget(executor, statement.text, limits.statementMs, clock);
      } catch (error) {
        if (endsTheTrace(error)) throw error;
        // Extensions PGlite lacks, roles, grants to roles that do not exist: noted, not fatal.
        skipped.push({ file: file.path, line: statement.line, message: (error as Error).message });
      }
    }
  }
  return { migrations: history.length, statements, skipped, snapshot: 'none', ms: Date.now() - started };
}
