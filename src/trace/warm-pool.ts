import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';
import { openPglite, type Executor, type PgliteOptions } from './executor.js';

/**
 * Instances booted ahead of time, for a process that traces again and again (the GitHub App).
 *
 * A trace needs PGlite started from its base's snapshot; that start costs ~0.3 s of CPU and the
 * trace itself ~0.1 s, so it is done before the trace is asked for: when a trace ends, an
 * instance is started from the same snapshot in the background for the next trace on that base
 * (usually the same pull request's next push). Each trace that ends gives one back, so a base
 * that k reviews traced at once keeps k spares, up to `max` in all — one per review the process
 * runs at once (`warmInstancesFor`). A full pool makes room by stopping the spare of the base
 * used longest ago.
 *
 * What keeps one review from seeing another's: a spare is a fresh instance started from the
 * snapshot file, in its own worker, that runs no SQL before its trace, serves exactly one trace
 * and is stopped with it. Spares are keyed by the base's content hash (historyKey) with the
 * memory limit and the extensions loaded at start, so a different base, limit or extension set
 * never gets it.
 */

/** What one idle instance costs: ~120 MB resident measured (its heap, files and worker), with margin. */
export const INSTANCE_MB = 150;

/**
 * How many instances to keep booted for a process that runs `concurrency` reviews at once: one
 * each, no more than there are cores (booting more in the background than cores only makes the
 * running reviews wait) nor than a quarter of the machine's memory holds.
 */
export function warmInstancesFor(concurrency: number): number {
  const byMemory = Math.floor((totalmem() / 1024 / 1024 / 4) / INSTANCE_MB);
  return Math.max(1, Math.min(concurrency, availableParallelism(), byMemory));
}

interface Spare {
  key: string;
  ready: Promise<Executor | null>;
  timer: NodeJS.Timeout;
}

export class WarmStarts {
  /** Oldest first: the order bases were last traced in. */
  private spares: Spare[] = [];
  private readonly snapshots: SnapshotCache;
  private readonly max: number;
  private readonly idleMs: number;
  /** The last boot started: boots run one after another (see prepare). */
  private booting: Promise<unknown> = Promise.resolve();

  constructor(options: { max?: number; idleMs?: number; snapshotCacheMb?: number } = {}) {
    this.max = options.max ?? 1;
    this.idleMs = options.idleMs ?? 15 * 60_000;
    this.snapshots = new SnapshotCache((options.snapshotCacheMb ?? 256) * 1024 * 1024);
  }

  get size(): number {
    return this.spares.length;
  }

  /** Snapshots held in memory (their files are not read again while they stay). */
  get cachedSnapshots(): number {
    return this.snapshots.size;
  }

  /** An instance booted for this key, if there is one: it is the caller's from now on (null: it failed to boot). */
  take(key: string): Promise<Executor | null> | null {
    const at = this.spares.findIndex((spare) => spare.key === key);
    if (at < 0) return null;
    const [spare] = this.spares.splice(at, 1);
    clearTimeout(spare!.timer);
    return spare!.ready.then(async (executor) => {
      // A spare whose worker died while it waited (killed, out of memory) is no use.
      if (!executor) return null;
      const alive = await executor.query('SELECT 1', 5_000).then(
        () => true,
        () => false,
      );
      if (!alive) await executor.close();
      return alive ? executor : null;
    });
  }

  /**
   * Starts booting one instance from the snapshot for the next trace with this key. When the pool
   * is full, the spare of the base traced longest ago makes room; when every spare is this key's
   * already, nothing is added. Boots run one at a time: two booting at once on a small machine
   * slow the reviews running meanwhile, and the first spare is ready sooner.
   */
  prepare(key: string, snapshotPath: string, options: PgliteOptions = {}): void {
    if (this.max <= 0) return;
    if (this.spares.length >= this.max) {
      const oldest = this.spares.find((spare) => spare.key !== key);
      if (!oldest) return;
      void this.discard(oldest);
    }
    const dump = this.snapshots.copyOf(snapshotPath);
    if (!dump) return;
    const ready = this.booting.then(() => openPglite(dump, options)).catch(() => null);
    this.booting = ready;
    const spare: Spare = { key, ready, timer: setTimeout(() => void this.discard(spare), this.idleMs) };
    spare.timer.unref();
    this.spares.push(spare);
  }

  /** Resolves when every spare has finished booting (or failed to). */
  async settled(): Promise<void> {
    await Promise.all(this.spares.map((spare) => spare.ready));
  }

  /** Stops every spare. */
  async close(): Promise<void> {
    await Promise.all([...this.spares].map((spare) => this.discard(spare)));
  }

  private async discard(spare: Spare): Promise<void> {
    const at = this.spares.indexOf(spare);
    if (at < 0) return;
    this.spares.splice(at, 1);
    clearTimeout(spare.timer);
    await (await spare.ready)?.close();
  }
}

/**
 * Snapshot files held in memory, least recently used dropped first, within a byte budget: a
 * refill after every trace would otherwise read the same tens of MB from disk again. Keyed by the
 * file's path, which holds the base's content hash.
 */
class SnapshotCache {
  private readonly dumps = new Map<string, ArrayBuffer>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get size(): number {
    return this.dumps.size;
  }

  /** A copy the caller owns (a worker takes what it is sent); null when the file cannot be read. */
  copyOf(path: string): ArrayBuffer | null {
    const held = this.dumps.get(path);
    if (held) {
      this.dumps.delete(path);
      this.dumps.set(path, held);
      return held.slice(0);
    }
    const dump = readSnapshot(path);
    if (!dump) return null;
    if (dump.byteLength > this.maxBytes) return dump;
    this.dumps.set(path, dump);
    this.bytes += dump.byteLength;
    for (const [oldPath, old] of this.dumps) {
      if (this.bytes <= this.maxBytes) break;
      this.dumps.delete(oldPath);
      this.bytes -= old.byteLength;
    }
    return dump.slice(0);
  }
}

function readSnapshot(path: string): ArrayBuffer | null {
  try {
    const bytes = readFileSync(path);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  } catch {
    return null;
  }
}
