import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discover, listRepoFiles, repoFiles } from '../src/discover/index.js';
import { loadParser } from '../src/sql/parse.js';
import { emptyClusterDump, pgliteEngine, WarmStarts } from '../src/trace/engines.js';
import { openPglite } from '../src/trace/executor.js';
import { DEFAULT_LIMITS, traceChange, type TraceResult } from '../src/trace/trace.js';
import { makeRepoSync } from './repo.js';

/**
 * The lock trace on a 20-migration base and a 5-migration PR: start-up from nothing, from the
 * empty-cluster dump and from the base snapshot; the replay the snapshot saves; the trace per
 * statement. Goals (issue: lock trace): per statement median ≤ 20 ms after the snapshot; the whole
 * PR ≤ 3 s without a base snapshot, ≤ 1 s with one; the snapshot ≥ 5× faster than a cold replay.
 */
const BASE = 20;
const BIN = fileURLToPath(new URL('../bin/migration-review.js', import.meta.url));
const files: Record<string, string> = {};
for (let i = 1; i <= BASE; i++) {
  const n = String(i).padStart(6, '0');
  files[`migrations/${n}_t${i}.up.sql`] = [
    `CREATE TABLE t${i} (id bigint PRIMARY KEY, name text NOT NULL, status text, created_at timestamptz DEFAULT now(), parent_id bigint${i > 1 ? ` REFERENCES t${i - 1} (id)` : ''});`,
    `CREATE INDEX t${i}_status ON t${i} (status);`,
    `CREATE INDEX t${i}_parent ON t${i} (parent_id);`,
    `INSERT INTO t${i} (id, name, status) SELECT g, 'row ' || g, 'new' FROM generate_series(1, 200) g;`,
    `COMMENT ON TABLE t${i} IS 'table ${i}';`,
  ].join('\n');
  files[`migrations/${n}_t${i}.down.sql`] = `DROP TABLE t${i};`;
}
const pr = [
  ["SET lock_timeout = '3s';", 'ALTER TABLE t3 ADD COLUMN note text;', 'CREATE INDEX t3_note ON t3 (note);'],
  ["SET lock_timeout = '3s';", 'ALTER TABLE t5 ADD COLUMN uid uuid DEFAULT gen_random_uuid();', 'ALTER TABLE t5 ALTER COLUMN name TYPE varchar(200);'],
  [
    "SET lock_timeout = '3s';",
    'ALTER TABLE t7 ADD CONSTRAINT t7_name_check CHECK (length(name) > 0) NOT VALID;',
    'ALTER TABLE t8 ADD CONSTRAINT t8_t7 FOREIGN KEY (parent_id) REFERENCES t7 (id) NOT VALID;',
  ],
  ['CREATE INDEX CONCURRENTLY t9_name ON t9 (name);'],
  ["SET lock_timeout = '3s';", "UPDATE t10 SET status = 'old' WHERE id BETWEEN 1 AND 100;", 'ALTER TABLE t10 DROP COLUMN created_at;'],
];
const change: string[] = [];
pr.forEach((statements, i) => {
  const n = String(BASE + i + 1).padStart(6, '0');
  const path = `migrations/${n}_pr${i + 1}.up.sql`;
  files[path] = statements.join('\n');
  change.push(path);
});

await loadParser();
const root = makeRepoSync(files);
const discovery = await discover(repoFiles(root, await listRepoFiles(root)), {});
const cacheDir = mkdtempSync(join(tmpdir(), 'mr-bench-cache-'));
const timed = async <T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> => {
  const started = process.hrtime.bigint();
  const value = await fn();
  return { value, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
};
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

const freshDir = mkdtempSync(join(tmpdir(), 'mr-bench-fresh-'));
const warm = new WarmStarts();
try {
  // A machine's very first trace: no empty-cluster dump yet, so initdb runs, then the replay.
  const firstEver = await traceChange({ discovery, change: new Set(change) }, pgliteEngine({ cacheDir: freshDir }), DEFAULT_LIMITS);
  const initdb = await timed(async () => (await openPglite(null, { openTimeoutMs: 120_000 })).close());
  await emptyClusterDump(cacheDir);
  const fromDump = await timed(async () => (await openPglite(await emptyClusterDump(cacheDir))).close());
  const run = (engine = pgliteEngine({ cacheDir })): Promise<TraceResult> => traceChange({ discovery, change: new Set(change) }, engine, DEFAULT_LIMITS);
  // Between runs, let the last trace's thread finish exiting: a new CLI process would not share
  // the machine with it.
  const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 500));
  const medianOf3 = async (once: () => Promise<TraceResult>, ready = pause): Promise<{ value: TraceResult; seconds: number }> => {
    const runs: { value: TraceResult; seconds: number }[] = [];
    for (let i = 0; i < 3; i++) {
      await ready();
      runs.push(await timed(once));
    }
    return runs.sort((a, b) => a.seconds - b.seconds)[1]!;
  };
  const cold = await timed(() => run());
  // A new process per review (CLI, Action): the base snapshot is read from the cache directory.
  const fromFile = await medianOf3(() => run());
  // A long-lived process (the app): after each trace an instance is booted from the snapshot for
  // the next trace on the same base. Pushes to a PR come seconds apart, so the spare is ready.
  const warmEngine = pgliteEngine({ cacheDir, warm });
  await run(warmEngine);
  const booted = await medianOf3(
    () => run(warmEngine),
    async () => {
      await warm.settled();
      await pause();
    },
  );
  // What a developer waits for: the CLI end to end, a new process each run, the base snapshot cached.
  const cli = (trace: boolean): number => {
    const started = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [BIN, 'check', ...change, '--root', root, '--format', 'json', trace ? '--trace' : '--no-trace'], {
      cwd: root,
      env: { ...process.env, MIGRATION_REVIEW_CACHE_DIR: cacheDir },
      encoding: 'utf8',
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (run.status !== 0 && run.status !== 1) throw new Error(`check failed (${run.status}): ${run.stderr}`);
    if (trace && (JSON.parse(run.stdout) as { trace?: { base: { snapshot: string } } }).trace?.base.snapshot !== 'cached')
      throw new Error('the CLI did not start from the cached snapshot');
    return seconds;
  };
  const cliTimes = (trace: boolean): number => median([cli(trace), cli(trace), cli(trace)]);
  const cliStatic = cliTimes(false);
  const cliTraced = cliTimes(true);
  const statements = fromFile.value.files.flatMap((f) => f.statements).filter((s) => s.status === 'ok');

  const replay = cold.value.base.ms / 1000;
  const snapshot = fromFile.value.base.ms / 1000;
  const ahead = booted.value.base.ms / 1000;

  const fmt = (n: number): string => n.toFixed(2);
  console.log(
    `lock trace: ${BASE}-migration base (${cold.value.base.statements} statements), ${change.length}-migration PR (${statements.length} traced statements), PGlite`,
  );
  console.log(`start from nothing (initdb)       ${fmt(initdb.seconds)} s   (paid once per machine: the empty cluster is dumped)`);
  console.log(`start from the empty-cluster dump ${fmt(fromDump.seconds)} s`);
  console.log(`base: cold replay                 ${fmt(replay)} s`);
  console.log(`base: from the snapshot file      ${fmt(snapshot)} s   → ${fmt(replay / snapshot)}× faster (a new process: CLI, Action)`);
  console.log(
    `base: booted ahead from it        ${(ahead * 1000).toFixed(0)} ms to take over (its ${fmt(snapshot)} s start ran after the last trace)   → ${Math.round(replay / Math.max(ahead, 0.001))}× faster (the app, same base again; goal ≥ 5×)`,
  );
  console.log(
    `base: first trace on a machine    ${fmt(firstEver.base.ms / 1000)} s (initdb + replay)   → ${fmt(firstEver.base.ms / 1000 / snapshot)}× slower than the snapshot file`,
  );
  console.log(`whole PR trace, no base snapshot  ${fmt(cold.seconds)} s   (goal ≤ 3 s)`);
  console.log(`whole PR trace, snapshot file     ${fmt(fromFile.seconds)} s   (goal ≤ 1 s; median of 3)`);
  console.log(`whole PR trace, booted ahead      ${fmt(booted.seconds)} s   (goal ≤ 1 s; median of 3)`);
  console.log(
    `CLI check, end to end             ${fmt(cliStatic)} s with --no-trace, ${fmt(cliTraced)} s with --trace → the trace adds ${fmt(cliTraced - cliStatic)} s (median of 3, a new process each)`,
  );
  console.log(
    `per statement, after the snapshot median ${median(statements.map((s) => s.traceMs))} ms (goal ≤ 20 ms), PostgreSQL's own share ${median(statements.map((s) => s.ms))} ms`,
  );
} finally {
  await warm.close();
  rmSync(cacheDir, { recursive: true, force: true });
  rmSync(freshDir, { recursive: true, force: true });
  rmSync(root, { recursive: true, force: true });
}
