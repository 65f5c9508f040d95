import { explainIndexes, explainMarkdown } from '../runbook/explain.js';
import { runCheck } from './check.js';

/** `migration-review explain`: the change as `check` sees it, then its indexes against real plans. */
export async function runExplain(options: { paths: string[]; base?: string; root?: string; databaseUrl: string; format: 'json' | 'markdown' }): Promise<string> {
  const { run } = await runCheck({ paths: options.paths, base: options.base, root: options.root, format: 'json', failOn: 'block', color: false, trace: false });
  const results = await explainIndexes(run.prepared.discovery, run.prepared.change, await run.prepared.code(), options.databaseUrl);
  return options.format === 'json' ? `${JSON.stringify(results, null, 2)}\n` : explainMarkdown(results);
}
