import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readSettings, startApp } from '../src/github/server.js';
import { deliver, examplePayload, GitHubStandIn, type FileStatus } from '../test/github/github-stand-in.js';

/**
 * Webhook → completed check, as production runs: the server started as main.ts starts it
 * (`readSettings` + `startApp`, Octokit's retry and throttle plugins on, the lock trace on
 * PGlite with an instance booted ahead), signed webhooks over HTTP, GitHub's REST API served by
 * the stand-in on 127.0.0.1 (no network latency: what is measured is the app). A 5-file PR on a
 * 20-migration repository, rules + lock trace, no LLM. Goals: warm p95 ≤ 1 s; 4 PRs at once ≤ 4 s.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const APP_ID = 4242;
const INSTALLATION = 77;
const SECRET = 'bench-webhook-secret-0123456789';
const PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();

const files: Record<string, string> = {};
for (let i = 1; i <= 20; i++) {
  const n = String(i).padStart(6, '0');
  files[`db/migrations/${n}_t${i}.up.sql`] = `CREATE TABLE t${i} (id bigint PRIMARY KEY, name text, status text);\nCREATE INDEX t${i}_status ON t${i} (status);`;
  files[`db/migrations/${n}_t${i}.down.sql`] = `DROP TABLE t${i};`;
}
const change = [
  "SET lock_timeout = '3s';\nALTER TABLE t1 ADD COLUMN note text;",
  'CREATE INDEX CONCURRENTLY t2_name ON t2 (name);',
  "SET lock_timeout = '3s';\nALTER TABLE t3 ADD CONSTRAINT t3_name CHECK (name <> '') NOT VALID;",
  'UPDATE t4 SET status = 1 WHERE id BETWEEN 1 AND 1000;',
  "SET lock_timeout = '3s';\nALTER TABLE t5 ADD COLUMN n int;",
];
const changed: Record<string, FileStatus> = {};
change.forEach((sql, i) => {
  const path = `db/migrations/${String(21 + i).padStart(6, '0')}_pr${i}.up.sql`;
  files[path] = sql;
  changed[path] = 'added';
});

const github = await new GitHubStandIn(APP_ID, PRIVATE_KEY).start();
github.defaultBranch = { '.github/migration-review.yml': 'tables:\n  t1: { rows: 1000000 }\n' };
// TRACE=off in the environment measures the app and its GitHub traffic without the lock trace.
const trace = process.env.TRACE === 'off' ? 'off' : 'on';
const app = await startApp(readSettings({ APP_ID: String(APP_ID), PRIVATE_KEY, WEBHOOK_SECRET: SECRET, PORT: '0', LOG_LEVEL: 'fatal', GITHUB_API_URL: github.url, TRACE: trace }));

// The run first: the comment names a commit by its first 7 characters.
const sha = (pr: number, run: number): string => `${run.toString(16).padStart(7, '0')}${pr.toString(16).padStart(33, '0')}`;
const done = (head: string) => () => github.runsOn(head).some((r) => r.status === 'completed' && !r.output.title?.startsWith('Superseded'));

/** Pushes `head` to `pr` and sends its synchronize webhook; resolves with the seconds until its check completed. */
async function review(pr: number, head: string, action: 'opened' | 'synchronize'): Promise<number> {
  if (github.pulls.has(pr)) github.push(pr, head);
  else github.openPull(pr, head, files, changed);
  const payload = examplePayload('pull_request', action, github, INSTALLATION, (p) => {
    p.number = pr;
    p.pull_request.number = pr;
    p.pull_request.head.sha = head;
  });
  const started = performance.now();
  const response = await deliver(app.url, SECRET, 'pull_request', payload, randomUUID());
  if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
  await github.waitFor(`the check on ${head}`, done(head), 60_000);
  const seconds = (performance.now() - started) / 1000;
  const [run] = github.runsOn(head);
  if (run?.conclusion !== 'neutral' && run?.conclusion !== 'failure' && run?.conclusion !== 'success') throw new Error(`${head}: no verdict`);
  if (trace === 'on') starts.push(await traceStart(pr, head));
  return seconds;
}

/** How the review's lock trace started, read from the PR's comment: a review without its trace is not a result. */
async function traceStart(pr: number, head: string): Promise<string> {
  // The comment is written beside the check: it may land a moment after (not counted above).
  const comment = () => github.comments.find((c) => c.issue === pr && c.body.includes(head.slice(0, 7)));
  await github.waitFor(`the comment on ${head}`, () => !!comment(), 60_000);
  const base = /<b>Lock trace<\/b> — [^;]*; base: ([^<]*)<\/summary>/.exec(comment()!.body)?.[1];
  if (!base) throw new Error(`PR ${pr}: the comment has no lock trace`);
  return base.includes('booted ahead') ? 'booted ahead' : base.includes('cached snapshot') ? 'snapshot file' : 'replayed';
}
const starts: string[] = [];
const tally = (list: string[]): string => [...new Set(list)].map((kind) => `${list.filter((k) => k === kind).length} ${kind}`).join(', ');

const pct = (timings: number[], p: number): string => [...timings].sort((a, b) => a - b)[Math.min(timings.length - 1, Math.ceil((p / 100) * timings.length) - 1)]!.toFixed(2);

try {
  // Run 0 warms the process: parser, blob cache, the base's schema snapshot, the first PGlite boot.
  await review(1, sha(1, 0), 'opened');
  const warm: number[] = [];
  starts.length = 0;
  const cpu = process.cpuUsage();
  for (let run = 1; run <= RUNS; run++) {
    // Pushes come seconds apart: let the instance booted ahead for the next trace finish booting.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    warm.push(await review(1, sha(1, run), 'synchronize'));
  }
  const used = process.cpuUsage(cpu);
  const warmStarts = tally(starts);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  starts.length = 0;
  const started = performance.now();
  await Promise.all([2, 3, 4, 5].map((pr) => review(pr, sha(pr, 0), 'opened')));
  const concurrent = (performance.now() - started) / 1000;
  const writes = github.requests.filter((r) => /^(POST|PATCH|DELETE) (check-run|comment)/.test(r.route)).length;
  console.log(`app: signed webhook over HTTP → completed check, 5-file PR on a 20-migration repo, GitHub stand-in on 127.0.0.1, rules${trace === 'on' ? ' + lock trace (PGlite)' : ' only (TRACE=off)'}, ${RUNS} warm runs`);
  const met = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  console.log(`warm (pushes 1.5 s apart)   p50 ${pct(warm, 50)} s   p95 ${pct(warm, 95)} s   (goal p95 ≤ 1 s: ${met(Number(pct(warm, 95)) <= 1)})`);
  // CPU time of the whole process (every thread: the app, the trace workers, the spares booting
  // between pushes), per review: what a busy machine cannot hide, unlike wall time.
  console.log(`  CPU per warm review ${((used.user + used.system) / 1000 / RUNS).toFixed(0)} ms${trace === 'on' ? `; traces started ${warmStarts}` : ''}`);
  console.log(`4 PRs opened at once        all checks completed in ${concurrent.toFixed(2)} s   (goal ≤ 4 s: ${met(concurrent <= 4)})${trace === 'on' ? `; traces started ${tally(starts)}` : ''}`);
  console.log(`${github.requests.length} API requests, ${writes} check/comment writes`);
} finally {
  await app.close();
  await github.close();
}
