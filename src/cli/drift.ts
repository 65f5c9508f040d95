import { resolve } from 'node:path';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../config/load.js';
import { resolveConfig } from '../config/schema.js';
import { UsageError } from '../core/errors.js';
import { checkoutFiles, discover } from '../discover/index.js';
import { loadParser } from '../sql/parse.js';
import { detectDrift, driftMarkdown, driftText } from '../trace/drift.js';
import { gitTopLevel } from '../repo/git.js';

export async function runDrift(options: { databaseUrl?: string; root?: string; config?: string; format: 'text' | 'json' | 'markdown' }): Promise<{ output: string; exitCode: 0 | 1 }> {
  if (!options.databaseUrl) throw new UsageError('drift needs a database: --database-url postgres://… (or DATABASE_URL)');
  const root = options.root ? resolve(options.root) : ((await gitTopLevel(process.cwd())) ?? process.cwd());
  const config = resolveConfig(await loadConfigFile(options.config ? resolve(options.config) : resolve(root, DEFAULT_CONFIG_PATH), !!options.config, options.config ?? DEFAULT_CONFIG_PATH));
  await loadParser();
  // The same checkout as `check`: a migration that links to a file in the repository is replayed.
  const discovery = await discover(checkoutFiles(root), { globs: config.migrations });
  if (!discovery.migrations.length) throw new UsageError(`no migrations found under ${root}`);
  const report = await detectDrift(discovery, options.databaseUrl);
  const output = options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : options.format === 'markdown' ? driftMarkdown(report) : driftText(report);
  return { output, exitCode: report.drift ? 1 : 0 };
}
