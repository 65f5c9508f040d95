import pg from 'pg';
import { DatabaseError } from '../core/errors.js';
import { INDEXES_SQL, SERVER_SQL, TABLES_SQL, WRITES_SQL } from './queries.js';
import { STATS_SCHEMA_VERSION, type IndexEntry, type ServerEntry, type StatsFile, type TableEntry } from './schema.js';
import { topStatements } from './statements.js';

/**
 * `migration-review stats`: reads table sizes, write rates and index usage from one or more
 * servers of a cluster (the primary and its replicas) without writing anything. Each read is a
 * short READ ONLY transaction with statement and lock timeouts; the write rate comes from two
 * such reads `sampleSeconds` apart — not one transaction held open that long, which would pin
 * the xmin horizon, and whose statistics snapshot would not move anyway (stats_fetch_consistency
 * = cache returns the same counters for the whole transaction).
 */

export interface CollectOptions {
  urls: string[];
  /** Seconds between the two write-counter samples; 0 skips the write rate. */
  sampleSeconds: number;
  /** Per statement, server-side. Default 30 s. */
  statementTimeoutMs?: number;
  /** Top statements per table from pg_stat_statements. Default 5; 0 skips them. */
  statementsPerTable?: number;
}

export interface Collected {
  file: StatsFile;
  /** What the operator should know: privileges, replicas-only write rates, pg_stat_statements. */
  warnings: string[];
}

interface ServerSample {
  server: ServerEntry;
  tables: Map<number, { name: string; entry: TableEntry; writes: number; ancestors: number[]; partitioned: boolean }>;
  indexes: Map<string, IndexEntry>;
  sampledAt: number;
  writesAfter?: { at: number; byOid: Map<number, number> };
  statements: StatsFile['statements'];
}

export async function collectStats(options: CollectOptions): Promise<Collected> {
  const warnings: string[] = [];
  const connecting = await Promise.allSettled(options.urls.map((url, i) => connect(url, i)));
  const clients = connecting.flatMap((c) => (c.status === 'fulfilled' ? [c.value] : []));
  const failed = connecting.find((c): c is PromiseRejectedResult => c.status === 'rejected');
  if (failed) {
    // The servers that did answer would keep the process alive.
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    throw failed.reason;
  }
  try {
    const samples = await Promise.all(clients.map((client, i) => onServer(i, firstSample(client, options, warnings))));
    if (options.sampleSeconds > 0) {
      await new Promise((resolve) => setTimeout(resolve, options.sampleSeconds * 1000));
      await Promise.all(clients.map(async (client, i) => (samples[i]!.writesAfter = await onServer(i, writeCounters(client, options)))));
    }
    return { file: combine(samples, options, warnings), warnings };
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  }
}

/** A server's failure, named by its position (the URL holds a password), with what to do about it. */
async function onServer<T>(position: number, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const message = (error as Error).message;
    const hint = /lock timeout/.test(message)
      ? ' — a session holds ACCESS EXCLUSIVE on a table (a migration?); run stats again when it is done'
      : /statement timeout/.test(message)
        ? ' — raise --statement-timeout-ms for a catalog this large'
        : /permission denied/.test(message)
          ? ' — stats needs only pg_monitor: GRANT pg_monitor TO <this role>;'
          : '';
    throw new DatabaseError(`database URL #${position + 1}: ${message}${hint}`);
  }
}

async function connect(url: string, position: number): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'migration-review stats' });
  // A session ended under us emits 'error' on the idle client; the query in flight fails and is reported instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    // The URL holds a password: name the server by its position only.
    throw new DatabaseError(`cannot connect to database URL #${position + 1}: ${(error as Error).message}`);
  }
  return client;
}

/** Runs `read` in its own READ ONLY transaction with timeouts; always ends the transaction. */
async function readOnly<T>(client: pg.Client, options: CollectOptions, read: () => Promise<T>): Promise<T> {
  await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.round(options.statementTimeoutMs ?? 30_000)}; SET LOCAL lock_timeout = '5s'`);
  try {
    const result = await read();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function firstSample(client: pg.Client, options: CollectOptions, warnings: string[]): Promise<ServerSample> {
  return readOnly(client, options, async () => {
    const info = (await client.query(SERVER_SQL)).rows[0] as {
      version_num: number;
      replica: boolean;
      role: string;
      superuser: boolean;
      reads_all_stats: boolean;
      counting_since: Date;
      now: Date;
    };
    privilegeWarnings(info, warnings);
    const server: ServerEntry = {
      role: info.replica ? 'replica' : 'primary',
      postgres: Math.floor(info.version_num / 10_000),
      countingSince: info.counting_since.toISOString(),
    };
    const tables = tablesOf((await client.query(TABLES_SQL)).rows as TableRow[]);
    const indexes = indexesOf((await client.query(INDEXES_SQL)).rows as IndexRow[]);
    const names = [...tables.values()].map((t) => t.name);
    const statements = (options.statementsPerTable ?? 5) > 0 ? await topStatements(client, names, options.statementsPerTable ?? 5, warnings) : undefined;
    return { server, tables, indexes, sampledAt: info.now.getTime(), statements };
  });
}

/** Only pg_stat_statements needs pg_read_all_stats (other roles' statements are hidden without it); superuser is never needed. */
function privilegeWarnings(info: { role: string; superuser: boolean; reads_all_stats: boolean }, warnings: string[]): void {
  const role = JSON.stringify(info.role).slice(1, -1);
  if (info.superuser) {
    warnings.push(
      `connected as superuser "${role}": stats needs no more than pg_monitor — give the scheduled job a role of its own (CREATE ROLE migration_review_stats LOGIN; GRANT pg_monitor TO migration_review_stats;)`,
    );
  } else if (!info.reads_all_stats) {
    warnings.push(
      `role "${role}" is not a member of pg_read_all_stats (or pg_monitor): statements other roles run are hidden from pg_stat_statements. Run, as an admin: GRANT pg_monitor TO "${role}";`,
    );
  }
}

async function writeCounters(client: pg.Client, options: CollectOptions): Promise<{ at: number; byOid: Map<number, number> }> {
  return readOnly(client, options, async () => {
    const rows = (await client.query(WRITES_SQL)).rows as { oid: string; writes: string | null; now: Date }[];
    return { at: rows[0]?.now.getTime() ?? Date.now(), byOid: new Map(rows.map((r) => [Number(r.oid), Number(r.writes ?? 0)])) };
  });
}

interface TableRow {
  oid: string;
  schema: string;
  name: string;
  kind: string;
  reltuples: number;
  total_bytes: string;
  heap_bytes: string;
  live: string | null;
  dead: string | null;
  writes: string | null;
  ancestors: string[];
}

/** Tables keyed by oid; each partition's sizes are added into every partitioned ancestor (write rates are, in writeRates). */
function tablesOf(rows: TableRow[]): ServerSample['tables'] {
  const tables: ServerSample['tables'] = new Map();
  for (const row of rows) {
    // reltuples is -1 until the first VACUUM or ANALYZE (PostgreSQL 14+); a parent's own is ignored: its partitions add up.
    const estimate = row.kind === 'p' || row.reltuples < 0 ? null : Math.round(row.reltuples);
    const entry: TableEntry = {
      rows: estimate,
      totalBytes: Number(row.total_bytes),
      heapBytes: Number(row.heap_bytes),
      liveTuples: row.live === null ? null : Number(row.live),
      deadTuples: row.dead === null ? null : Number(row.dead),
      writesPerSecond: null,
    };
    tables.set(Number(row.oid), {
      name: `${row.schema}.${row.name}`,
      entry,
      writes: Number(row.writes ?? 0),
      ancestors: row.ancestors.map(Number),
      partitioned: row.kind === 'p',
    });
  }
  for (const leaf of tables.values()) {
    if (leaf.partitioned) continue;
    for (const ancestor of leaf.ancestors) {
      const parent = tables.get(ancestor);
      if (!parent) continue;
      const e = parent.entry;
      if (leaf.entry.rows !== null) e.rows = (e.rows ?? 0) + leaf.entry.rows;
      e.totalBytes += leaf.entry.totalBytes;
      e.heapBytes += leaf.entry.heapBytes;
      if (leaf.entry.liveTuples !== null) e.liveTuples = (e.liveTuples ?? 0) + leaf.entry.liveTuples;
      if (leaf.entry.deadTuples !== null) e.deadTuples = (e.deadTuples ?? 0) + leaf.entry.deadTuples;
    }
  }
  return tables;
}

interface IndexRow {
  oid: string;
  schema: string;
  name: string;
  table_schema: string;
  table_name: string;
  unique: boolean;
  scans: string;
  bytes: string;
  ancestors: string[];
}

function indexesOf(rows: IndexRow[]): Map<string, IndexEntry> {
  const byOid = new Map(
    rows.map((r) => [
      Number(r.oid),
      {
        name: `${r.schema}.${r.name}`,
        entry: { table: `${r.table_schema}.${r.table_name}`, idxScan: Number(r.scans), bytes: Number(r.bytes), unique: r.unique },
      },
    ]),
  );
  for (const row of rows) {
    for (const ancestor of row.ancestors.map(Number)) {
      const parent = byOid.get(ancestor);
      if (!parent) continue;
      parent.entry.idxScan += Number(row.scans);
      parent.entry.bytes += Number(row.bytes);
    }
  }
  return new Map([...byOid.values()].map((i) => [i.name, i.entry]));
}

/**
 * One file from every server's samples: sizes from the first server (all servers of a cluster
 * hold the same data), live/dead tuples and write rates from the primary (a replica replays
 * writes without counting them), and idx_scan summed over all (each counts only its own scans).
 */
function combine(samples: ServerSample[], options: CollectOptions, warnings: string[]): StatsFile {
  const primary = samples.find((s) => s.server.role === 'primary');
  const notes: string[] = [];
  if (!primary)
    notes.push(
      "every server read is a replica: live/dead tuples and write rates are counted on the primary only, so they are missing — add the primary's URL (read-only is enough) to measure them",
    );
  else if (options.sampleSeconds <= 0) notes.push('write rates not sampled (--sample-seconds 0)');
  const rates = primary?.writesAfter ? writeRates(primary) : null;
  const onPrimary = new Map([...(primary?.tables.values() ?? [])].map((t) => [t.name, t.entry]));
  const tables: StatsFile['tables'] = {};
  for (const table of samples[0]!.tables.values()) {
    const counted = onPrimary.get(table.name);
    tables[table.name] = {
      ...table.entry,
      liveTuples: counted?.liveTuples ?? null,
      deadTuples: counted?.deadTuples ?? null,
      writesPerSecond: rates ? (rates.get(table.name) ?? 0) : null,
    };
  }
  const indexes: StatsFile['indexes'] = {};
  for (const [name, entry] of samples[0]!.indexes) {
    indexes[name] = { ...entry, idxScan: samples.reduce((sum, s) => sum + (s.indexes.get(name)?.idxScan ?? 0), 0) };
  }
  const statements = mergeStatements(samples, options.statementsPerTable ?? 5);
  notes.push(...new Set(warnings.filter((w) => w.startsWith('pg_stat_statements'))));
  return {
    schemaVersion: STATS_SCHEMA_VERSION,
    collectedAt: new Date(samples[0]!.sampledAt).toISOString(),
    servers: samples.map((s) => s.server),
    sampleSeconds: options.sampleSeconds,
    tables,
    indexes,
    ...(statements ? { statements } : {}),
    ...(notes.length ? { notes } : {}),
  };
}

/** Writes per second per table name between the two samples, partitions added into their parents. */
function writeRates(sample: ServerSample): Map<string, number> {
  const after = sample.writesAfter!;
  const seconds = Math.max(0.001, (after.at - sample.sampledAt) / 1000);
  const rates = new Map<number, number>();
  for (const [oid, table] of sample.tables) {
    if (table.partitioned) continue;
    // A counter that went down was reset between the samples: no rate from it.
    const rate = Math.max(0, (after.byOid.get(oid) ?? table.writes) - table.writes) / seconds;
    for (const target of [oid, ...table.ancestors]) rates.set(target, (rates.get(target) ?? 0) + rate);
  }
  return new Map([...rates].map(([oid, rate]) => [sample.tables.get(oid)!.name, Math.round(rate * 10) / 10]));
}

/** The same normalised statement from several servers: calls added, mean time weighted by calls. */
function mergeStatements(samples: ServerSample[], perTable: number): StatsFile['statements'] {
  if (samples.every((s) => !s.statements)) return undefined;
  const merged: NonNullable<StatsFile['statements']> = {};
  for (const sample of samples) {
    for (const [table, list] of Object.entries(sample.statements ?? {})) {
      const into = (merged[table] ??= []);
      for (const statement of list) {
        const same = into.find((s) => s.query === statement.query);
        if (!same) into.push({ ...statement });
        else {
          const calls = same.calls + statement.calls;
          same.meanMs = calls ? (same.meanMs * same.calls + statement.meanMs * statement.calls) / calls : 0;
          same.calls = calls;
        }
      }
    }
  }
  for (const table of Object.keys(merged)) merged[table] = merged[table]!.sort((a, b) => b.calls - a.calls).slice(0, perTable);
  return merged;
}
