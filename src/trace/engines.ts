import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { MigrationFile } from '../core/types.js';
import { openPglite, type Executor } from './executor.js';
import { extensionModules } from './extensions.js';
import { openPostgres, type PostgresOptions } from './postgres-executor.js';
import type { TraceEngine, TraceResult } from './trace.js';
import type { WarmStarts } from './warm-pool.js';

export { WarmStarts, warmInstancesFor } from './warm-pool.js';

/**
 * Where a trace starts. PGlite never pays initdb during a review: the empty cluster is dumped
 * once (first use) and every trace starts from a dump — the schema-loaded one when the same
 * earlier migrations were replayed before (keyed by their content), else the empty one plus a
 * replay, whose result is dumped for next time.
 */

const require = createRequire(import.meta.url);
/** PGlite's version, part of every cache key (its package does not export package.json). */
const PGLITE_VERSION = ((): string => {
  let dir = dirname(require.resolve('@electric-sql/pglite'));
  while (dir !== dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version: string };
      if (pkg.name === '@electric-sql/pglite') return pkg.version;
    } catch {
      // keep walking up
    }
    dir = dirname(dir);
  }
  return 'unknown';
})();
/** Bump when the replay changes what a snapshot holds (3: contrib extensions are loaded). */
const REPLAY_FORMAT = 3;
const KEEP_SNAPSHOTS = 12;

export function defaultCacheDir(): string {
  return process.env.MIGRATION_REVIEW_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'migration-review');
}

function writeAtomically(path: string, data: Uint8Array | string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

function readBuffer(path: string): ArrayBuffer | null {
  try {
    const bytes = readFileSync(path);
    // A large read owns its ArrayBuffer: hand it over without copying 40 MB.
    return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
      ? (bytes.buffer as ArrayBuffer)
      : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  } catch {
    return null;
  }
}

/** The empty cluster's dump, built on first use (a cold PGlite start: seconds, once). */
const emptyDumpPath = (cacheDir: string): string => join(cacheDir, `pglite-${PGLITE_VERSION}-empty-${REPLAY_FORMAT}.tar`);

export async function emptyClusterDump(cacheDir = defaultCacheDir()): Promise<ArrayBuffer> {
  const path = emptyDumpPath(cacheDir);
  const cached = readBuffer(path);
  if (cached) return cached;
  const executor = await openPglite(null, { openTimeoutMs: 120_000 });
  try {
    const dump = await executor.dump!();
    // A cache directory that cannot be written costs the next trace this start again, nothing more.
    return saved(cacheDir, path, dump) ? readBuffer(path)! : dump;
  } finally {
    await executor.close();
  }
}

/** Writes a cache file; false when the cache directory cannot hold it (read-only, full, not a directory). */
function saved(cacheDir: string, path: string, data: ArrayBuffer | string): boolean {
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeAtomically(path, typeof data === 'string' ? data : new Uint8Array(data));
    return true;
  } catch {
    return false;
  }
}

export function historyKey(history: MigrationFile[]): string {
  const hash = createHash('sha256').update(`pglite ${PGLITE_VERSION} replay ${REPLAY_FORMAT}\n`);
  for (const file of history) hash.update(`${file.path}\0${file.txMode}\0${file.upSql}\0`);
  return hash.digest('hex').slice(0, 32);
}

export interface PgliteEngineOptions {
  cacheDir?: string;
  /** Off: no snapshot is read or written (each trace replays from the empty cluster). */
  useCache?: boolean;
  /** Instances booted ahead of time, in a process that traces again and again. */
  warm?: WarmStarts;
  /** The embedded database's memory limit (default DEFAULT_MEMORY_MB). */
  memoryMb?: number;
}

export function pgliteEngine(options: PgliteEngineOptions = {}): TraceEngine {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const warm = options.useCache === false ? undefined : options.warm;
  return {
    async open(history, replay, set = history) {
      const key = historyKey(history);
      // With nothing to replay, the empty cluster's dump is the base: no second copy of it.
      const tar = history.length ? join(cacheDir, `base-${key}.tar`) : emptyDumpPath(cacheDir);
      const meta = join(cacheDir, `base-${key}.json`);
      const readBase = (): TraceResult['base'] | null =>
        history.length ? readMeta(meta) : { migrations: 0, statements: 0, skipped: [], snapshot: 'cached', ms: 0 };
      // When this trace ends, boot the next one's instance from the same snapshot.
      const limits = { memoryMb: options.memoryMb, extensions: extensionModules(set) };
      // A spare serves traces with the same limits and extensions only.
      const spareKey = `${key}/${options.memoryMb ?? 'default'}/${limits.extensions.join(',')}`;
      const thenWarm = (executor: Executor): Executor =>
        warm ? { ...executor, close: async () => (await executor.close(), warm.prepare(spareKey, tar, limits)) } : executor;
      const spare = warm?.take(spareKey);
      if (spare) {
        const started = Date.now();
        const executor = await spare;
        if (executor) {
          const described = readBase();
          if (described) return { executor: thenWarm(executor), base: { ...described, snapshot: 'warm', ms: Date.now() - started } };
          await executor.close();
        }
      }
      if (options.useCache !== false) {
        const snapshot = readBuffer(tar);
        const described = snapshot && readBase();
        if (snapshot && described) {
          const started = Date.now();
          const executor = await openPglite(snapshot, limits);
          return { executor: thenWarm(executor), base: { ...described, snapshot: 'cached', ms: Date.now() - started } };
        }
      }
      const started = Date.now();
      const executor: Executor = await openPglite(await emptyClusterDump(cacheDir), limits);
      try {
        const base = await replay(executor);
        // The description last: a snapshot counts only once both files are there.
        const kept =
          options.useCache !== false && history.length > 0 && saved(cacheDir, tar, await executor.dump!()) && saved(cacheDir, meta, JSON.stringify(base));
        if (kept) prune(cacheDir);
        return { executor: thenWarm(executor), base: { ...base, snapshot: kept ? 'built' : 'none', ms: Date.now() - started } };
      } catch (error) {
        // A replay that overran, or a cache directory that cannot be written: the thread goes too.
        await executor.close();
        throw error;
      }
    },
  };
}

function readMeta(path: string): TraceResult['base'] | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as TraceResult['base'];
  } catch {
    return null;
  }
}

/** Keeps the newest snapshots; a cache is not an archive. */
function prune(cacheDir: string): void {
  const snapshots = readdirSync(cacheDir)
    .filter((name) => name.startsWith('base-') && name.endsWith('.tar'))
    .map((name) => ({ name, mtime: statSync(join(cacheDir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of snapshots.slice(KEEP_SNAPSHOTS)) {
    for (const file of [old.name, old.name.replace(/\.tar$/, '.json')]) {
      try {
        unlinkSync(join(cacheDir, file));
      } catch {
        // Another process pruned it first.
      }
    }
  }
}

/** A real PostgreSQL: a throwaway database per set, replayed every time (no snapshot). See postgres-executor.ts for what keeps the server safe. */
export function postgresEngine(url: string, options: PostgresOptions = {}): TraceEngine {
  return {
    kind: 'postgres',
    async open(_history, replay) {
      const started = Date.now();
      const executor = await openPostgres(url, options);
      try {
        const base = await replay(executor);
        return { executor, base: { ...base, ms: Date.now() - started } };
      } catch (error) {
        await executor.close();
        throw error;
      }
    },
  };
}
