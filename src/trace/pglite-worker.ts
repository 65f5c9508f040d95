import { parentPort } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/**
 * The embedded PostgreSQL, alone in a worker thread so a runaway statement can be stopped with
 * `worker.terminate()` (PGlite is single-threaded WASM: statement_timeout cannot interrupt it).
 * The protocol is request/response by id; the main thread owns every time limit.
 */
export type WorkerRequest =
  | { id: number; op: 'open'; dump: ArrayBuffer | null }
  | { id: number; op: 'exec'; sql: string }
  | { id: number; op: 'query'; sql: string }
  | { id: number; op: 'dump' }
  | { id: number; op: 'close' };

export type WorkerResponse =
  | { id: number; ok: true; rows?: Record<string, unknown>[]; dump?: ArrayBuffer }
  | { id: number; ok: false; error: { message: string; code?: string; position?: number } };

let db: PGlite | null = null;

parentPort!.on('message', (request: WorkerRequest) => {
  void handle(request).then(
    (response) => parentPort!.postMessage(response, response.ok && response.dump ? [response.dump] : []),
    (error: unknown) => {
      const e = error as { message?: string; code?: string; position?: string | number };
      parentPort!.postMessage({ id: request.id, ok: false, error: { message: e.message ?? String(error), code: e.code, position: e.position === undefined ? undefined : Number(e.position) } });
    },
  );
});

async function handle(request: WorkerRequest): Promise<WorkerResponse> {
  switch (request.op) {
    case 'open':
      db = request.dump ? await PGlite.create({ loadDataDir: new Blob([request.dump]) }) : await PGlite.create();
      return { id: request.id, ok: true };
    case 'exec':
      await open().exec(request.sql);
      return { id: request.id, ok: true };
    case 'query':
      return { id: request.id, ok: true, rows: (await open().query<Record<string, unknown>>(request.sql)).rows };
    case 'dump': {
      // Everything committed must be in the files the dump copies, not only in shared buffers.
      await open().exec('CHECKPOINT');
      const file = await open().dumpDataDir('none');
      return { id: request.id, ok: true, dump: await file.arrayBuffer() };
    }
    case 'close':
      await db?.close();
      db = null;
      return { id: request.id, ok: true };
  }
}

function open(): PGlite {
  if (!db) throw new Error('the embedded database is not open');
  return db;
}
