import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * PGlite's WebAssembly and its file-system bundle, loaded once per process and handed to every
 * trace worker. A worker left to itself compiles the 9 MB pglite.wasm again, and V8 optimises its
 * hot functions again: measured with --cpu-prof, that made a fresh instance's first trace cost
 * ~250 ms of CPU for eight statements, ~60 ms with the compiled module shared (V8 shares a
 * module's compiled and optimised code between the threads it is posted to), and each start
 * ~300 ms more. The module is the same bytes PGlite would load: nothing about what runs changes.
 */
export interface PgliteArtefacts {
  /** A compiled WebAssembly.Module (the project's TypeScript libs leave out the WebAssembly types). */
  wasmModule: object;
  fsBundle: Blob;
}

const require = createRequire(import.meta.url);
type WebAssemblyApi = { compile(bytes: Uint8Array): Promise<object> };

let loading: Promise<PgliteArtefacts | null> | null = null;

/** The shared artefacts; null when they cannot be loaded here (each worker then loads its own, as before). */
export function pgliteArtefacts(): Promise<PgliteArtefacts | null> {
  loading ??= load().catch(() => null);
  return loading;
}

async function load(): Promise<PgliteArtefacts> {
  // The package's main entry sits beside its artefacts in dist/ (its exports map does not list them).
  const dist = dirname(require.resolve('@electric-sql/pglite'));
  const [wasm, bundle] = await Promise.all([readFile(join(dist, 'pglite.wasm')), readFile(join(dist, 'pglite.data'))]);
  const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  return { wasmModule: await webAssembly.compile(wasm), fsBundle: new Blob([bundle]) };
}

/**
 * The flags a trace worker starts with: the process's own, less module loaders (`--import tsx`
 * and the like). The worker is compiled JavaScript and needs none, and a loader hook runs every
 * import of PGlite's modules through it: ~200–800 ms of CPU per worker under tsx.
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const loaders = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const flag = execArgv[i]!;
    if (loaders.has(flag)) i++;
    else if (![...loaders].some((name) => flag.startsWith(`${name}=`))) kept.push(flag);
  }
  return kept;
}
