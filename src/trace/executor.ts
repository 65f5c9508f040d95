import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { pgliteArtefacts, workerExecArgv } from './pglite-artefacts.js';
import type { WorkerLimits, WorkerRequest, WorkerResponse } from './pglite-worker.js';

/**
 * Where traced SQL runs: the embedded PostgreSQL (PGlite in a worker thread) or a throwaway
 * database on a real server. Both answer the same three calls, each under a time limit.
 */
export interface Executor {
  readonly engine: 'pglite' | 'postgres';
  exec(sql: string, timeoutMs: number): Promise<void>;
  query<T extends Record<string, unknown>>(sql: string, timeoutMs?: number): Promise<T[]>;
  /** The data directory as a tarball (PGlite only), to start the next trace from. */
  dump?(): Promise<ArrayBuffer>;
  close(): Promise<void>;
}

/** A statement PostgreSQL refused; `code` is the SQLSTATE. */
export class SqlError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly position: number | undefined,
  ) {
    super(message);
  }
}

/**
 * The engine itself broke (a JavaScript error inside PGlite, a lost connection, a read-back that
 * came back empty): not an SQL error with a SQLSTATE, so it says nothing about the migration. The
 * executor is gone and must not be used again.
 */
export class TraceEngineFailed extends Error {
  constructor(engine: 'pglite' | 'postgres', detail: string) {
    super(`the trace engine (${engine === 'pglite' ? 'PGlite' : 'PostgreSQL'}) failed: ${detail}`);
  }
}

/** PostgreSQL's error codes are five digits or upper-case letters; anything else did not come from the server. */
export const isSqlState = (code: unknown): code is string => typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);

/** A statement the sandbox stopped: the executor is gone and must not be used again. */
export abstract class TraceKilled extends Error {
  /** The limit it hit, as said to the reader: "1500 ms", "1024 MB". */
  abstract readonly limit: string;
  /** What the statement did, after "which": "ran longer than 1500 ms". */
  abstract readonly overran: string;
}

/** A statement that overran its time limit. */
export class TraceTimeout extends TraceKilled {
  readonly limit: string;
  readonly overran: string;
  constructor(readonly limitMs: number) {
    super(`stopped after ${limitMs} ms`);
    this.limit = `${limitMs} ms`;
    this.overran = `ran longer than ${limitMs} ms`;
  }
}

/** A statement that took the embedded database past its memory limit. */
export class TraceOutOfMemory extends TraceKilled {
  readonly limit: string;
  readonly overran: string;
  constructor(
    readonly limitMb: number,
    detail: string,
  ) {
    super(`stopped: ${detail} (the trace's memory limit is ${limitMb} MB)`);
    this.limit = `${limitMb} MB`;
    this.overran = `needed more than the trace's ${limitMb} MB of memory (${detail})`;
  }
}

/**
 * The embedded database's memory, all told (its WASM heap and its in-memory files), in MB. A
 * migration on the trace's near-empty tables that needs more is stopped: the limit is what keeps
 * a hostile or runaway statement from taking the app's whole container down with it.
 */
export const DEFAULT_MEMORY_MB = 1024;
/** PGlite starts with a 128 MB WASM heap, which is half the limit at most. */
const MIN_MEMORY_MB = 256;
/** PostgreSQL's out_of_memory and configuration_limit_exceeded (temp_file_limit): the sandbox's limits, not the migration's fault. */
const MEMORY_SQLSTATES = new Set(['53200', '53400']);

/** The worker is compiled JavaScript: dist/ beside src/, so the tests (which run src/) use the build too. */
const WORKER = fileURLToPath(new URL('../../dist/trace/pglite-worker.js', import.meta.url));

const QUERY_TIMEOUT_MS = 10_000;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export interface PgliteOptions {
  openTimeoutMs?: number;
  /** The embedded database's memory limit (default DEFAULT_MEMORY_MB). */
  memoryMb?: number;
  /** PGlite contrib modules to load (see extensions.ts). */
  extensions?: string[];
}

export async function openPglite(dump: ArrayBuffer | null, options: PgliteOptions = {}): Promise<Executor> {
  if (!existsSync(WORKER)) throw new Error(`${WORKER} is missing: run \`npm run build\` (npm ci does it) before tracing`);
  const memoryMb = Math.max(MIN_MEMORY_MB, options.memoryMb ?? DEFAULT_MEMORY_MB);
  // The JavaScript heap holds PGlite's code and the rows a statement returns; the database's own
  // memory is outside it and is bounded in the worker (see pglite-worker.ts).
  const artefacts = await pgliteArtefacts();
  const worker = new Worker(WORKER, {
    execArgv: workerExecArgv(),
    resourceLimits: { maxOldGenerationSizeMb: 512 },
    workerData: { memoryMb, ...(artefacts ?? {}) } satisfies WorkerLimits,
  });
  worker.unref();
  const channel = new WorkerChannel(worker, memoryMb);
  try {
    await channel.call({ op: 'open', dump, extensions: options.extensions ?? [] }, options.openTimeoutMs ?? 60_000, dump ? [dump] : []);
  } catch (error) {
    // A start that failed (a damaged dump, say) must not leave its thread behind.
    void worker.terminate();
    throw error;
  }
  return {
    engine: 'pglite',
    exec: async (sql, timeoutMs) => void (await channel.call({ op: 'exec', sql }, timeoutMs)),
    query: async <T extends Record<string, unknown>>(sql: string, timeoutMs = QUERY_TIMEOUT_MS) =>
      (((await channel.call({ op: 'query', sql }, timeoutMs)) as { rows?: T[] }).rows ?? []) as T[],
    dump: async () => {
      const response = await channel.call({ op: 'dump' }, 60_000);
      return (response as { dump: ArrayBuffer }).dump;
    },
    // The database lives in the worker's memory: ending the thread is the whole clean-up.
    close: async () => {
      channel.failAll(new Error('closed'));
      void worker.terminate();
    },
  };
}

/**
 * Requests to the PGlite worker, each under a time limit. A request that overruns, runs out of
 * memory or breaks PGlite itself ends the worker: every request after it fails the same way.
 */
class WorkerChannel {
  private nextId = 1;
  private dead: Error | null = null;
  private readonly pending = new Map<number, { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void }>();

  constructor(
    private readonly worker: Worker,
    private readonly memoryMb: number,
  ) {
    worker.on('message', (response: WorkerResponse) => {
      const waiting = this.pending.get(response.id);
      this.pending.delete(response.id);
      waiting?.resolve(response);
    });
    worker.on('error', (error) => {
      // The JavaScript heap limit (rows a statement returned, say): the same limit, as far as the trace goes.
      if ((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY') this.failAll(new TraceOutOfMemory(memoryMb, "its results outgrew the worker's heap"));
      else this.failAll(error);
    });
    worker.on('exit', (code) => this.failAll(new Error(`the embedded database stopped (worker exit ${code})`)));
  }

  failAll(error: Error): void {
    this.dead ??= error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }

  /** Ends the worker for good: what follows fails with `error`. */
  private kill(error: Error): void {
    this.failAll(error);
    void this.worker.terminate();
  }

  async call(request: DistributiveOmit<WorkerRequest, 'id'>, timeoutMs: number, transfer: ArrayBuffer[] = []): Promise<WorkerResponse> {
    if (this.dead) throw this.dead;
    const id = this.nextId++;
    const response = await new Promise<WorkerResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        const error = new TraceTimeout(timeoutMs);
        this.kill(error);
        reject(error);
      }, timeoutMs);
      const settle = <A>(then: (a: A) => void) => (a: A): void => {
        clearTimeout(timer);
        then(a);
      };
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
      this.worker.postMessage({ ...request, id } as WorkerRequest, transfer);
    });
    const failure = failureOf(response, this.memoryMb);
    if (failure?.fatal) this.kill(failure.error);
    if (failure) throw failure.error;
    return response;
  }
}

/**
 * A worker's error as the trace sees it: an SQL error (the worker goes on), or the end of the
 * worker — the sandbox's memory limit, or a JavaScript error inside PGlite (no SQLSTATE), after
 * which its state is unknown.
 */
function failureOf(response: WorkerResponse, memoryMb: number): { error: Error; fatal: boolean } | null {
  if (response.ok) return null;
  if (response.overMemory || MEMORY_SQLSTATES.has(response.error.code ?? ''))
    return { fatal: true, error: new TraceOutOfMemory(memoryMb, response.overMemory ? 'the database grew past it' : response.error.message) };
  if (!isSqlState(response.error.code)) return { fatal: true, error: new TraceEngineFailed('pglite', response.error.message) };
  return { fatal: false, error: new SqlError(response.error.message, response.error.code, response.error.position) };
}
