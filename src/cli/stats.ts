import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../config/load.js';
import { UsageError } from '../core/errors.js';
import { gitTopLevel } from '../repo/git.js';
import { formatBytes, formatRows } from '../sql/pgfacts.js';
import { collectStats } from '../stats/collect.js';
import { DEFAULT_STATS_PATH } from '../stats/load.js';
import { statsFileSchema, type StatsFile } from '../stats/schema.js';

export interface StatsOptions {
  databaseUrl: string[];
  sampleSeconds: number;
  /** File to write; `-` prints it. Default: where the review reads it (`stats.file` in the config, else .github/migration-review-stats.json). */
  out?: string;
  statementTimeoutMs?: number;
  /** Repository root, for the default path; default: the git top level, or the current directory. */
  root?: string;
  /** Config file naming `stats.file`; default .github/migration-review.yml in the repository. */
  config?: string;
}

/** Where the review reads the statistics file: `stats.file` from the repository's config, or the default, under the root. */
export async function configuredStatsPath(options: { root?: string; config?: string }): Promise<{ path: string; display: string }> {
  const root = options.root ? resolve(options.root) : ((await gitTopLevel(process.cwd())) ?? process.cwd());
  const configPath = options.config ? resolve(options.config) : resolve(root, DEFAULT_CONFIG_PATH);
  const repoConfig = await loadConfigFile(configPath, !!options.config, options.config ?? DEFAULT_CONFIG_PATH);
  const display = repoConfig.stats?.file ?? DEFAULT_STATS_PATH;
  return { path: resolve(root, display), display };
}

/** `stats`: collect, check against our own schema, write the file sorted (small daily diffs), summarise. */
export async function runStats(options: StatsOptions): Promise<{ summary: string; json: string; path: string | null }> {
  if (!options.databaseUrl.length) throw new UsageError('stats needs a database: --database-url postgres://… (repeat it for each replica; or DATABASE_URL)');
  // Where it goes is settled first: a broken config should not cost a sampling interval.
  const target = options.out === '-' ? null : options.out ? { path: resolve(options.out), display: options.out } : await configuredStatsPath(options);
  const { file, warnings } = await collectStats({
    urls: options.databaseUrl,
    sampleSeconds: options.sampleSeconds,
    statementTimeoutMs: options.statementTimeoutMs,
  });
  const sorted = statsFileSchema.parse(sortedFile(file));
  const json = `${JSON.stringify(sorted, null, 2)}\n`;
  if (!target) return { summary: summarizeStats(sorted, warnings, null), json, path: null };
  await mkdir(dirname(target.path), { recursive: true });
  await writeFile(target.path, json);
  return { summary: summarizeStats(sorted, warnings, target.display), json, path: target.path };
}

function sortedFile(file: StatsFile): StatsFile {
  const byKey = <T>(record: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
  return { ...file, tables: byKey(file.tables), indexes: byKey(file.indexes), ...(file.statements ? { statements: byKey(file.statements) } : {}) };
}

/** A few lines a DBA reads in a CI log: what was read, the biggest and busiest tables, indexes nothing scans. */
export function summarizeStats(file: StatsFile, warnings: string[], writtenTo: string | null): string {
  const tables = Object.entries(file.tables);
  const replicas = file.servers.filter((s) => s.role === 'replica').length;
  const servers = `${file.servers.length} server${file.servers.length === 1 ? '' : 's'}${replicas ? ` (${replicas} replica${replicas === 1 ? '' : 's'})` : ''}`;
  const lines = [
    `Read ${servers}, PostgreSQL ${file.servers[0]!.postgres}, at ${file.collectedAt.slice(0, 16).replace('T', ' ')} UTC: ${tables.length} tables, ${Object.keys(file.indexes).length} indexes.`,
  ];
  const biggest = tables
    .filter(([, t]) => t.rows !== null)
    .sort(([, a], [, b]) => b.rows! - a.rows!)
    .slice(0, 5);
  if (biggest.length) lines.push(`Largest: ${biggest.map(([name, t]) => `${name} ${formatRows(t.rows!)} (${formatBytes(t.totalBytes)})`).join(', ')}.`);
  const busiest = tables
    .filter(([, t]) => (t.writesPerSecond ?? 0) > 0)
    .sort(([, a], [, b]) => b.writesPerSecond! - a.writesPerSecond!)
    .slice(0, 5);
  if (busiest.length) lines.push(`Busiest: ${busiest.map(([name, t]) => `${name} ${t.writesPerSecond} writes/s`).join(', ')} (over ${file.sampleSeconds} s).`);
  const since = file.servers
    .map((s) => s.countingSince)
    .sort()
    .at(-1)!;
  const days = Math.floor((Date.parse(file.collectedAt) - Date.parse(since)) / 86_400_000);
  const unused = Object.entries(file.indexes).filter(([, i]) => i.idxScan === 0 && !i.unique);
  if (unused.length)
    lines.push(
      `Never scanned since ${since.slice(0, 10)} (${days} day${days === 1 ? '' : 's'}): ${unused
        .slice(0, 8)
        .map(([name, i]) => `${name} (${formatBytes(i.bytes)})`)
        .join(', ')}${unused.length > 8 ? ` and ${unused.length - 8} more` : ''}.`,
    );
  for (const note of new Set([...warnings, ...(file.notes ?? [])])) lines.push(`note: ${note}`);
  if (writtenTo) lines.push(`Wrote ${writtenTo}.`);
  return `${lines.join('\n')}\n`;
}
