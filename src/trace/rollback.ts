import type { MigrationFile } from '../core/types.js';
import { catalogDifferences, readCatalog } from './catalog-snapshot.js';
import type { Executor } from './executor.js';
import { runQuietly, type Clock } from './runner.js';
import type { FileTrace, TraceLimits } from './trace.js';

/** Runs the down, compares the catalog with the one before the up, then re-applies the up. */
export async function checkRollback(executor: Executor, file: MigrationFile, before: string[], limits: TraceLimits, clock: Clock): Promise<FileTrace['rollback']> {
  const down = file.down!.path;
  const schemaUnchanged = catalogDifferences(before, await readCatalog(executor)).length === 0;
  const result = await runQuietly(executor, file, 'down', limits, clock);
  if (result.error) return { status: 'failed', down, differences: [], reason: result.error, line: result.line };
  const after = await readCatalog(executor);
  const differences = catalogDifferences(before, after);
  // Forward again, so later files in the change see the schema they expect.
  await runQuietly(executor, file, 'up', limits, clock);
  return { status: differences.length ? 'differs' : 'restored', down, differences, ...(schemaUnchanged ? { schemaUnchanged } : {}) };
}
