import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Extension, type PGliteOptions } from '@electric-sql/pglite';
import { TRACE_EXTENSIONS } from './extensions.js';

/**
 * The embedded PostgreSQL, alone in a worker thread so a runaway statement can be stopped with
 * `worker.terminate()` (PGlite is single-threaded WASM: statement_timeout cannot interrupt it).
 * The protocol is request/response by id; the main thread owns every time limit.
 */
export type WorkerRequest =
  | { id: number; op: 'open'; dump: ArrayBuffer | null; extensions: string[] }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'query'; sql: string }
  | { id: number; op: 'dump' }
  | { id: number; op: 'close' };

export type WorkerResponse =
  | { id: number; ok: true; rows?: Record<string, unknown>[]; dump?: ArrayBuffer }
  | { id: number; ok: false; error: { message: string; code?: string; position?: number }; overMemory?: true };

export interface WorkerLimits {
  /** The embedded database's memory, all told: WASM heap and in-memory files. */
  memoryMb: number;
  /** PGlite's compiled WebAssembly.Module, shared by the process's workers (pglite-artefacts.ts); absent: compiled here. */
  wasmModule?: object;
  /** PGlite's file-system bundle (pglite.data), read once per process. */
  fsBundle?: Blob;
}

let db: PGlite | null = null;

/**
 * Memory. PGlite's heap is a WebAssembly.Memory that may grow to 2 GB, and its files (tables,
 * WAL, temp files) are JavaScript buffers: neither counts against the worker's resourceLimits. So:
 * - the WASM heap may grow to half the limit: an allocation past it fails inside PostgreSQL as
 *   "out of memory" (SQLSTATE 53200), a clean error, and the trace stops there;
 * - temp files (sorts, hashes, materialized sets spilling out of work_mem) to a quarter of it,
 *   through temp_file_limit (53400);
 * - after every request, the isolate's external memory (both of the above, and the files) is
 *   checked against the whole limit: a database that has grown past it is reported and the main
 *   thread ends the worker. One statement can still grow for as long as its time limit allows.
 * PGlite creates its heap inside create(), after this module has run, with the constructor below.
 */
const { memoryMb, wasmModule, fsBundle } = workerData as WorkerLimits;
/** What PGlite would otherwise load and compile in this thread. */
const ARTEFACTS = { ...(wasmModule ? { pgliteWasmModule: wasmModule as PGliteOptions['pgliteWasmModule'] } : {}), ...(fsBundle ? { fsBundle } : {}) };
const WASM_PAGE = 64 * 1024;
const maxPages = Math.floor(((memoryMb / 2) * 1024 * 1024) / WASM_PAGE);
// (The project's TypeScript libs leave out the WebAssembly globals: the one constructor is typed here.)
type MemoryDescriptor = { initial: number; maximum?: number; shared?: boolean };
const wasm = (globalThis as unknown as { WebAssembly: { Memory: new (descriptor: MemoryDescriptor) => object } }).WebAssembly;
wasm.Memory = new Proxy(wasm.Memory, {
  construct(Native, [descriptor]: [MemoryDescriptor]) {
    return new Native({ ...descriptor, maximum: Math.max(descriptor.initial, Math.min(descriptor.maximum ?? maxPages, maxPages)) });
  },
});
const overMemory = (): boolean => getHeapStatistics().external_memory > memoryMb * 1024 * 1024;

/**
 * PGlite's own start parameters, with 16 MB of shared buffers instead of its 160 MB: a trace works
 * on an empty or near-empty schema, and zeroing 160 MB of shared memory at every start was a
 * quarter of the start-up time (~150 ms of ~600 ms, measured with --cpu-prof: memset).
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB', '-c', `temp_file_limit=${Math.floor(memoryMb / 4)}MB`];

parentPort!.on('message', (request: WorkerRequest) => {
  void handle(request).then(
    (response) => {
      if (request.op !== 'close' && overMemory()) {
        parentPort!.postMessage({ id: request.id, ok: false, error: { message: `the embedded database grew past ${memoryMb} MB` }, overMemory: true });
        return;
      }
      parentPort!.postMessage(response, response.ok && response.dump ? [response.dump] : []);
    },
    (error: unknown) => {
      const e = error as { message?: string; code?: string; position?: string | number };
      parentPort!.postMessage({
        id: request.id,
        ok: false,
        error: { message: e.message ?? String(error), code: e.code, position: e.position === undefined ? undefined : Number(e.position) },
      });
    },
  );
});

async function handle(request: WorkerRequest): Promise<WorkerResponse> {
  switch (request.op) {
    case 'open': {
      // A new cluster gets 1 MB WAL segments (not 16 MB): every trace starts by untarring the
      // dump, and the dump carries whole segments.
      const extensions = await loadExtensions(request.extensions);
      db = request.dump
        ? await PGlite.create({ loadDataDir: new Blob([request.dump]), startParams: START_PARAMS, extensions, ...ARTEFACTS })
        : await PGlite.create({ initDbStartParams: ['--wal-segsize=1'], startParams: START_PARAMS, extensions, ...ARTEFACTS });
      return { id: request.id, ok: true };
    }
    case 'exec':
      await open().exec(request.sql);
      return { id: request.id, ok: true };
    case 'query':
      return { id: request.id, ok: true, rows: (await open().query<Record<string, unknown>>(request.sql)).rows };
    case 'dump': {
      // Everything committed must be in the files the dump copies, not only in shared buffers.
      await open().exec('CHECKPOINT');
      await trimDataDir(open());
      const file = await open().dumpDataDir('none');
      return { id: request.id, ok: true, dump: await file.arrayBuffer() };
    }
    case 'close':
      await db?.close();
      db = null;
      return { id: request.id, ok: true };
  }
}

/** PGlite's contrib modules, by name; only those on the trace's list (extensions.ts) are ever asked for. */
async function loadExtensions(modules: string[]): Promise<Record<string, Extension>> {
  const loaded: Record<string, Extension> = {};
  for (const module of modules) {
    if (!Object.values(TRACE_EXTENSIONS).includes(module)) throw new Error(`extension module ${module} is not one the trace loads`);
    loaded[module] = ((await import(`@electric-sql/pglite/contrib/${module}`)) as Record<string, Extension>)[module]!;
  }
  return loaded;
}

function open(): PGlite {
  if (!db) throw new Error('the embedded database is not open');
  return db;
}

/**
 * Leaves out of the dump what a trace never reads, so each start untars a third as much: the other
 * databases (template0/template1 — the sandbox refuses CREATE DATABASE, and the session only ever
 * connects to its own) and WAL segments outside [last checkpoint's redo, current insert position]
 * (recycled or preallocated files PostgreSQL recreates when it needs them). Runs right after a
 * CHECKPOINT, so nothing in the removed segments is needed for recovery.
 */
async function trimDataDir(pg: PGlite): Promise<void> {
  const fs = pg.Module.FS;
  const [where] = (
    await pg.query<{ dir: string; redo: string; current: string; others: number[] }>(
      `SELECT current_setting('data_directory') AS dir, redo_wal_file AS redo,
              pg_walfile_name(pg_current_wal_insert_lsn()) AS current,
              ARRAY(SELECT oid::int FROM pg_database WHERE datname <> current_database()) AS others
         FROM pg_control_checkpoint()`,
    )
  ).rows;
  if (!where) return;
  const removeTree = (path: string): void => {
    if (!fs.analyzePath(path).exists) return;
    for (const name of fs.readdir(path)) {
      if (name === '.' || name === '..') continue;
      const child = `${path}/${name}`;
      if (fs.isDir(fs.stat(child).mode)) removeTree(child);
      else fs.unlink(child);
    }
    fs.rmdir(path);
  };
  for (const oid of where.others) removeTree(`${where.dir}/base/${oid}`);
  for (const name of fs.readdir(`${where.dir}/pg_wal`)) {
    if (/^[0-9A-F]{24}$/.test(name) && (name < where.redo || name > where.current)) fs.unlink(`${where.dir}/pg_wal/${name}`);
  }
}
