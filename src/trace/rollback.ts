import type { MigrationFile } from '../core/types.js';
import { catalogDifferences, readCatalog } from './catalog-snapshot.js';
import type { Executor } from './executor.js';
import { runQuietly, type Clock } from './runner.js';
import { withFixedSearchPath } from './state.js';
import type { FileTrace, TraceLimits } from './trace.js';

/**
 * The schema as one line per object. Outside a transaction block only (before the up, after
 * each script has committed): the names come out as a fixed search_path shows them, so a
 * migration's own search_path neither hides a difference nor makes one up.
 */
export const readSchema = (executor: Executor): Promise<string[]> => withFixedSearchPath(executor, () => readCatalog(executor));

/** Runs the down, compares the catalog with the one before the up, then re-applies the up. */
export async function checkRollback(executor: Executor, file: MigrationFile, before: string[], limits: TraceLimits, clock: Clock): Promise<FileTrace['rollback']> {
  const down = file.down!.path;
  const schemaUnchanged = catalogDifferences(before, await readSchema(executor)).length === 0;
  const result = await runQuietly(executor, file, 'down', limits, clock);
  if (result.error) return { status: 'failed', down, differences: [], reason: result.error, line: result.line };
  const after = await readSchema(executor);
  const differences = catalogDifferences(before, after);
  // Forward again, so later files in the change see the schema they expect.
  await runQuietly(executor, file, 'up', limits, clock);
  return { status: differences.length ? 'differs' : 'restored', down, differences, ...(schemaUnchanged ? { schemaUnchanged } : {}) };
}
