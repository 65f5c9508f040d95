import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import type { MonitorReport } from '../runbook/monitor.js';
import { allProbes, renderRunbook } from '../runbook/runbook.js';
import { runProbes } from '../runbook/probes.js';
import { runCheck } from './check.js';

/** `migration-review runbook`: the same review as `check`, printed as the production runbook. */
export async function runRunbook(options: { paths: string[]; base?: string; root?: string; config?: string; databaseUrl?: string; trace?: boolean; staging?: string }): Promise<string> {
  const checked = await runCheck({ paths: options.paths, base: options.base, root: options.root, config: options.config, format: 'json', failOn: 'block', color: false, trace: options.trace === false ? false : undefined });
  if (checked.change !== null && checked.change.size === 0) throw new UsageError('no migration files in the change: name them, or use --base <ref>');
  const probeResults = options.databaseUrl ? await runProbes(allProbes(checked.discovery, checked.change), options.databaseUrl) : undefined;
  let staging: MonitorReport | undefined;
  if (options.staging) {
    try {
      staging = JSON.parse(readFileSync(options.staging, 'utf8')) as MonitorReport;
      if (!Array.isArray(staging.tables)) throw new Error('no tables');
    } catch (error) {
      throw new UsageError(`${options.staging}: not a \`migration-review monitor --format json\` report (${(error as Error).message})`);
    }
  }
  const title = `# Runbook — ${checked.review.files.length} migration file${checked.review.files.length === 1 ? '' : 's'}\n\nVerdict of the review: **${checked.review.verdict.replace(/_/g, ' ')}** — ${checked.review.justification}\n\n`;
  return `${title}${renderRunbook({ review: checked.review, discovery: checked.discovery, change: checked.change, config: checked.config, probeResults, staging })}\n`;
}
