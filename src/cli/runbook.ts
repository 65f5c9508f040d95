import { readFileSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import type { MonitorReport } from '../runbook/monitor.js';
import { allProbes, renderRunbook, withDataChecks } from '../runbook/runbook.js';
import { runProbes, type ProbeResult } from '../runbook/probes.js';
import { runCheck } from './check.js';

/** `migration-review runbook`: the same review as `check`, printed as the production runbook. */
export async function runRunbook(options: {
  paths: string[];
  base?: string;
  root?: string;
  config?: string;
  databaseUrl?: string;
  /** Per data check, seconds (default 30). */
  checkTimeout?: number;
  trace?: boolean;
  staging?: string;
  refreshStats?: boolean;
  note?: (message: string) => void;
}): Promise<{ output: string; exitCode: 0 | 1 }> {
  if (options.refreshStats) await refreshStats(options);
  const { run, review: reviewed } = await runCheck({ paths: options.paths, base: options.base, root: options.root, config: options.config, format: 'json', failOn: 'block', color: false, trace: options.trace === false ? false : undefined });
  const { discovery, change, config } = run.prepared;
  if (change !== null && change.size === 0) throw new UsageError('no migration files in the change: name them, or use --base <ref>');
  const limits = { statementMs: (options.checkTimeout ?? 30) * 1000 };
  const probeResults = options.databaseUrl ? await runProbes(allProbes(discovery, change), options.databaseUrl, limits) : undefined;
  // A check that counted offending rows is a BLOCK: the verdict shown must say so.
  const review = probeResults ? withDataChecks(run, probeResults) : reviewed;
  const staging = options.staging ? readStagingReport(options.staging) : undefined;
  const title = `# Runbook — ${review.files.length} migration file${review.files.length === 1 ? '' : 's'}\n\nVerdict of the review: **${review.verdict.replace(/_/g, ' ')}** — ${review.justification}\n\n`;
  const output = `${title}${dataCheckSummary(probeResults)}${renderRunbook({ review, discovery, change, config, probeResults, staging })}\n`;
  // Asked to check the data, the runbook fails when a check could not run or found offending rows: neither is ready to ship.
  return { output, exitCode: probeResults?.some((r) => r.count !== 0) ? 1 : 0 };
}

/** The line under the verdict when checks could not run: an unanswered check is not a passed one. */
function dataCheckSummary(results: ProbeResult[] | undefined): string {
  const unanswered = results?.filter((r) => r.count === null) ?? [];
  if (!unanswered.length) return '';
  return `⛔ **${unanswered.length} of ${results!.length} data check${results!.length === 1 ? '' : 's'} could not run** (first: ${unanswered[0]!.error}): their rows are unknown — run them again before you start.\n\n`;
}

/**
 * `--refresh-stats`: the statistics file rewritten from --database-url before the review reads
 * it, so the runbook's durations use today's sizes. Only here and in `stats`: `monitor` watches
 * staging, whose sizes are not production's.
 */
async function refreshStats(options: { root?: string; config?: string; databaseUrl?: string; note?: (message: string) => void }): Promise<void> {
  if (!options.databaseUrl) throw new UsageError('--refresh-stats reads the database given by --database-url (or DATABASE_URL)');
  const { runStats } = await import('./stats.js');
  const { summary } = await runStats({ databaseUrl: [options.databaseUrl], sampleSeconds: 10, root: options.root, config: options.config });
  options.note?.(summary);
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
