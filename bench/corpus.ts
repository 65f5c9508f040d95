import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listRepoFiles } from '../src/discover/index.js';
import { loadParser, parseSql } from '../src/sql/parse.js';

/**
 * Static check of the whole corpus: our CLI against squawk (squawk-cli, same run, same files),
 * wall time and findings per file. Goal: ≤ 1.5× squawk's time, and far fewer findings per file
 * than squawk's ~6.6 on these mature projects' migrations.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const corpus = join(root, '..', 'shared', 'corpus');
if (!existsSync(corpus)) {
  console.log('bench skipped: ../shared/corpus is absent');
  process.exit(0);
}
const files = (await listRepoFiles(corpus)).filter((p) => p.endsWith('.sql') && !p.startsWith('LICENSES/'));
const RUNS = 3;

function time(command: string, args: string[]): { seconds: number; stdout: string; rssMb: number } {
  const runs: number[] = [];
  let stdout = '';
  let rssMb = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    // GNU time reports peak memory; without it we still measure wall time.
    const viaTime = existsSync('/usr/bin/time');
    const result = viaTime
      ? spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { cwd: corpus, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' })
      : spawnSync(command, args, { cwd: corpus, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' });
    runs.push(Number(process.hrtime.bigint() - started) / 1e9);
    stdout = result.stdout;
    if (viaTime) rssMb = Math.max(rssMb, Number(result.stderr.trim().split('\n').pop()) / 1024 || 0);
  }
  runs.sort((a, b) => a - b);
  return { seconds: runs[Math.floor(RUNS / 2)]!, stdout, rssMb };
}

const ours = time(process.execPath, [join(root, 'bin', 'migration-review.js'), 'check', '--root', corpus, '--format', 'json', ...files]);
const squawk = time(join(root, 'node_modules', '.bin', 'squawk'), ['--reporter', 'json', ...files]);

// The floor under our time: libpg-query (WASM) parsing the same files, nothing else.
await loadParser();
const texts = files.map((f) => readFileSync(join(corpus, f), 'utf8'));
const parseStarted = process.hrtime.bigint();
for (const text of texts) parseSql(text);
const parseSeconds = Number(process.hrtime.bigint() - parseStarted) / 1e9;

const review = JSON.parse(ours.stdout) as { findings: { status: string; rule: string }[] };
const squawkFindings = (JSON.parse(squawk.stdout) as unknown[]).length;
const byRule = new Map<string, number>();
for (const f of review.findings) byRule.set(f.rule, (byRule.get(f.rule) ?? 0) + 1);

const fmt = (n: number, d = 2): string => n.toFixed(d);
console.log(`corpus: ${files.length} SQL files, median of ${RUNS} runs each`);
console.log(`migration-review  ${fmt(ours.seconds)} s   max RSS ${fmt(ours.rssMb, 0)} MB   ${review.findings.length} findings = ${fmt(review.findings.length / files.length)} per file (BLOCK ${review.findings.filter((f) => f.status === 'BLOCK').length})`);
console.log(`squawk-cli        ${fmt(squawk.seconds)} s   max RSS ${fmt(squawk.rssMb, 0)} MB   ${squawkFindings} findings = ${fmt(squawkFindings / files.length)} per file`);
console.log(`time ratio (ours / squawk): ${fmt(ours.seconds / squawk.seconds)}×   (goal ≤ 1.5×)`);
console.log(`libpg-query parse alone (in process, no start-up): ${fmt(parseSeconds)} s = ${fmt(parseSeconds / squawk.seconds)}× squawk's whole run`);
console.log(`findings per file ratio (ours / squawk): ${fmt(review.findings.length / squawkFindings)}`);
console.log('top rules:', [...byRule].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([r, n]) => `${r} ${n}`).join(', '));
