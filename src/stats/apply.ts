import { DEFAULT_STATS_PATH } from './load.js';
import type { StatsFile } from './schema.js';

/**
 * How the statistics file feeds the review: its sizes join the configured ones (the same size
 * and impact model, src/core/impact.ts), and its index usage is kept for the drop-index rules.
 */

/** A parsed statistics file and the path it was read from. */
export interface LoadedStats {
  file: string;
  data: StatsFile;
}

/** How much an index is used, from the statistics file. */
export interface IndexUsage {
  /** idx_scan summed over every server read. */
  scans: number;
  unique: boolean;
  /** Days the counters had been counting when they were read, on the server that started last (the shortest window). */
  countedDays: number;
  /** The start of that window, ISO. */
  countingSince: string;
  /** Its end: when the file was collected, ISO. */
  countedUntil: string;
  /** The file is older than stats.maxAgeDays: an index unused then may be in use now. */
  stale: boolean;
}

/** Where the sizes came from, for the report: "sizes from database stats of 2026-11-28". */
export interface StatsProvenance {
  file: string;
  collectedAt: string;
  ageDays: number;
  maxAgeDays: number;
  /** Tables whose size came from the file (not named in `tables:`). */
  tables: number;
}

export interface ResolvedStats {
  file: string;
  maxAgeDays: number;
  /** null: no statistics file was read. */
  source: StatsProvenance | null;
  /** Keyed by lower-cased schema-qualified name, and by the bare name when only one schema has it. */
  indexes: Map<string, IndexUsage>;
  /** The servers' major version, for an unset `postgres:`. */
  postgres: number | null;
}

type TableSizes = Map<string, { rows: number; writesPerSecond?: number; avgRowBytes?: number }>;

const DAY_MS = 86_400_000;

/**
 * Resolves the `stats:` config and merges the file's table sizes into `tables` (which already
 * holds the `tables:` entries: those win, by either spelling of the name).
 */
export function statsOf(
  config: { file?: string; maxAgeDays?: number } | undefined,
  loaded: LoadedStats | undefined,
  tables: TableSizes,
  now: Date,
): ResolvedStats {
  const resolved: ResolvedStats = {
    file: config?.file ?? DEFAULT_STATS_PATH,
    maxAgeDays: config?.maxAgeDays ?? 30,
    source: null,
    indexes: new Map(),
    postgres: null,
  };
  if (!loaded) return resolved;
  const { data } = loaded;
  const configured = new Set(tables.keys());
  const unique = bareNamesOnce([...Object.keys(data.tables), ...Object.keys(data.indexes)]);
  let fromFile = 0;
  for (const [name, entry] of Object.entries(data.tables)) {
    const rows = entry.rows ?? entry.liveTuples;
    const qualified = name.toLowerCase();
    const bare = bareName(qualified);
    if (rows === null || configured.has(qualified) || configured.has(bare)) continue;
    const sizes = {
      rows,
      ...(entry.writesPerSecond !== null ? { writesPerSecond: Math.round(entry.writesPerSecond * 10) / 10 } : {}),
      // Heap bytes per row: what an UPDATE writes again, page overhead and all, for the WAL estimate.
      ...(rows > 0 && entry.heapBytes > 0 ? { avgRowBytes: Math.max(1, Math.round(entry.heapBytes / rows)) } : {}),
    };
    tables.set(qualified, sizes);
    if (unique.has(bare)) tables.set(bare, sizes);
    fromFile++;
  }
  const collected = Date.parse(data.collectedAt);
  const ageDays = Math.max(0, Math.floor((now.getTime() - collected) / DAY_MS));
  const since = Math.max(...data.servers.map((s) => Date.parse(s.countingSince)));
  for (const [name, entry] of Object.entries(data.indexes)) {
    const usage: IndexUsage = {
      scans: entry.idxScan,
      unique: entry.unique,
      countedDays: Math.max(0, (collected - since) / DAY_MS),
      countingSince: new Date(since).toISOString(),
      countedUntil: data.collectedAt,
      stale: ageDays > resolved.maxAgeDays,
    };
    resolved.indexes.set(name.toLowerCase(), usage);
    if (unique.has(bareName(name.toLowerCase()))) resolved.indexes.set(bareName(name.toLowerCase()), usage);
  }
  resolved.postgres = data.servers[0]!.postgres;
  resolved.source = { file: loaded.file, collectedAt: data.collectedAt, ageDays, maxAgeDays: resolved.maxAgeDays, tables: fromFile };
  return resolved;
}

/** The usage of an index by the name a migration gives it (schema-qualified or not). */
export function indexUsage(stats: ResolvedStats, name: string): IndexUsage | undefined {
  const lower = name.toLowerCase();
  return stats.indexes.get(lower) ?? (lower.includes('.') ? undefined : stats.indexes.get(`public.${lower}`));
}

function bareName(qualified: string): string {
  const dot = qualified.indexOf('.');
  return dot < 0 ? qualified : qualified.slice(dot + 1);
}

/** Bare names that only one schema uses: a migration may name those without the schema. */
function bareNamesOnce(names: string[]): Set<string> {
  const seen = new Map<string, number>();
  for (const name of names) {
    const bare = bareName(name.toLowerCase());
    seen.set(bare, (seen.get(bare) ?? 0) + 1);
  }
  return new Set([...seen].filter(([, n]) => n === 1).map(([bare]) => bare));
}
