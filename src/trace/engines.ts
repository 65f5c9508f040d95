import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { MigrationFile } from '../core/types.js';
import { openPglite, openPostgres, type Executor } from './executor.js';
import type { TraceEngine, TraceResult } from './trace.js';

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
/** Bump when the replay changes what a snapshot holds. */
const REPLAY_FORMAT = 2;
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
    return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  } catch {
    return null;
  }
}

/** The empty cluster's dump, built on first use (a cold PGlite start: seconds, once). */
export async function emptyClusterDump(cacheDir = defaultCacheDir()): Promise<ArrayBuffer> {
  mkdirSync(cacheDir, { recursive: true });
  const path = join(cacheDir, `pglite-${PGLITE_VERSION}-empty-${REPLAY_FORMAT}.tar`);
  const cached = readBuffer(path);
  if (cached) return cached;
  const executor = await openPglite(null, { openTimeoutMs: 120_000 });
  try {
    const dump = await executor.dump!();
    writeAtomically(path, new Uint8Array(dump));
    return readBuffer(path)!;
  } finally {
    await executor.close();
  }
}

export function historyKey(history: MigrationFile[]): string {
  const hash = createHash('sha256').update(`pglite ${PGLITE_VERSION} replay ${REPLAY_FORMAT}\n`);
  for (const file of history) hash.update(`${file.path}\0${file.txMode}\0${file.upSql}\0`);
  return hash.digest('hex').slice(0, 32);
}

export function pgliteEngine(options: { cacheDir?: string; useCache?: boolean } = {}): TraceEngine {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  return {
    async open(history, replay) {
      const key = historyKey(history);
      const tar = join(cacheDir, `base-${key}.tar`);
      const meta = join(cacheDir, `base-${key}.json`);
      if (options.useCache !== false) {
        const snapshot = readBuffer(tar);
        if (snapshot) {
          const started = Date.now();
          const executor = await openPglite(snapshot);
          const saved = JSON.parse(readFileSync(meta, 'utf8')) as TraceResult['base'];
          return { executor, base: { ...saved, snapshot: 'cached', ms: Date.now() - started } };
        }
      }
      const started = Date.now();
      const executor: Executor = await openPglite(await emptyClusterDump(cacheDir));
      const base = await replay(executor);
      if (options.useCache !== false) {
        const dump = await executor.dump!();
        writeAtomically(meta, JSON.stringify(base));
        writeAtomically(tar, new Uint8Array(dump));
        prune(cacheDir);
      }
      return { executor, base: { ...base, snapshot: 'built', ms: Date.now() - started } };
    },
  };
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

/** A real PostgreSQL: a throwaway database per set, replayed every time (no snapshot). */
export function postgresEngine(url: string): TraceEngine {
  return {
    async open(_history, replay) {
      const started = Date.now();
      const executor = await openPostgres(url);
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
