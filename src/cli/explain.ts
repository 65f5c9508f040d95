import { buildCodeIndex } from '../repo/code-refs.js';
import { explainIndexes, explainMarkdown } from '../runbook/explain.js';
import { listRepoFiles } from '../discover/index.js';
import { runCheck } from './check.js';
import { gitTopLevel } from './git.js';
import { resolve } from 'node:path';

/** `migration-review explain`: the change as `check` sees it, then its indexes against real plans. */
export async function runExplain(options: { paths: string[]; base?: string; root?: string; databaseUrl: string; format: 'json' | 'markdown' }): Promise<string> {
  const checked = await runCheck({ paths: options.paths, base: options.base, root: options.root, format: 'json', failOn: 'block', color: false, trace: false });
  const root = options.root ? resolve(options.root) : ((await gitTopLevel(process.cwd())) ?? process.cwd());
  const code = buildCodeIndex(root, await listRepoFiles(root), new Set(checked.discovery.migrations.flatMap((m) => [m.path, m.down?.path ?? ''])), checked.config.code);
  const results = await explainIndexes(checked.discovery, checked.change, code, options.databaseUrl);
  return options.format === 'json' ? `${JSON.stringify(results, null, 2)}\n` : explainMarkdown(results);
}
