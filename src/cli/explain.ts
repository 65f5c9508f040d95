import { readCodeFiles } from '../repo/code-refs.js';
import { localSource } from '../repo/local-source.js';
import { UsageError } from '../core/errors.js';
import { changedCount, prepareChange } from '../review/pipeline.js';
import { explainIndexes, explainMarkdown } from '../runbook/explain.js';

/** `migration-review explain`: the change and the application code as `check` sees them, then real plans. Exit 1 when nothing could be answered. */
export async function runExplain(options: { paths: string[]; base?: string; root?: string; databaseUrl: string; format: 'json' | 'markdown' }): Promise<{ output: string; exitCode: 0 | 1 }> {
  const source = await localSource({ paths: options.paths, base: options.base, root: options.root });
  const prepared = await prepareChange(source);
  if (!options.base && changedCount(prepared) === 0) throw new UsageError(`no migration files found in ${options.paths.join(', ') || source.root}: name the migrations whose indexes to explain`);
  const { discovery, change, config } = prepared;
  const migrationPaths = new Set(discovery.migrations.flatMap((m) => (m.down ? [m.path, m.down.path] : [m.path])));
  const { files } = await readCodeFiles(await source.head(), migrationPaths, config.code);
  const report = await explainIndexes(discovery, change, files, options.databaseUrl);
  const output = options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : explainMarkdown(report);
  return { output, exitCode: report.failure ? 1 : 0 };
}
