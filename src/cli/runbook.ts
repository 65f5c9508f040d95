import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import type { MonitorReport } from '../runbook/monitor.js';
import { allProbes, renderRunbook, withDataChecks } from '../runbook/runbook.js';
import { runProbes } from '../runbook/probes.js';
import { runCheck } from './check.js';

/** `migration-review runbook`: the same review as `check`, printed as the production runbook. */
export async function runRunbook(options: { paths: string[]; base?: string; root?: string; config?: string; databaseUrl?: string; trace?: boolean; staging?: string }): Promise<string> {
  const { run, review: reviewed } = await runCheck({ paths: options.paths, base: options.base, root: options.root, config: options.config, format: 'json', failOn: 'block', color: false, trace: options.trace === false ? false : undefined });
  const { discovery, change, config } = run.prepared;
  if (change !== null && change.size === 0) throw new UsageError('no migration files in the change: name them, or use --base <ref>');
  const probeResults = options.databaseUrl ? await runProbes(allProbes(discovery, change), options.databaseUrl) : undefined;
  // A check that counted offending rows is a BLOCK: the verdict shown must say so.
  const review = probeResults ? withDataChecks(reviewed, probeResults) : reviewed;
  const staging = options.staging ? readStagingReport(options.staging) : undefined;
  const title = `# Runbook — ${review.files.length} migration file${review.files.length === 1 ? '' : 's'}\n\nVerdict of the review: **${review.verdict.replace(/_/g, ' ')}** — ${review.justification}\n\n`;
  return `${title}${renderRunbook({ review, discovery, change, config, probeResults, staging })}\n`;
}

function readStagingReport(path: string): MonitorReport {
  try {
    const staging = JSON.parse(readFileSync(path, 'utf8')) as MonitorReport;
    if (!Array.isArray(staging.tables)) throw new Error('no tables');
    return staging;
  } catch (error) {
    throw new UsageError(`${path}: not a \`migration-review monitor --format json\` report (${(error as Error).message})`);
  }
}
