import nock from 'nock';
import { Probot } from 'probot';
import { inProcessDeliveries, migrationReviewApp } from '../src/github/app.js';
import { processReview } from '../src/github/process.js';
import { InProcessQueue } from '../src/github/queue.js';
import type { Octokit } from '../src/github/source.js';
import { loadParser } from '../src/sql/parse.js';
import { WarmStarts } from '../src/trace/index.js';
import { APP_ID, fakeGitHub, payload, PRIVATE_KEY, TestOctokit } from '../test/github/fake-github.js';

/**
 * Webhook → comment and check posted, for a 5-file PR on a 20-migration repository, GitHub
 * served locally (nock), the deterministic path (rules + lock trace, no LLM). Warm: the process
 * has reviewed before (parser loaded, blob cache, base snapshot), and keeps an instance booted
 * ahead for the next trace as the server does (runs follow each other at once, so a spare may
 * still be booting). Goal: p95 ≤ 5 s.
 */
const RUNS = 20;
const files: Record<string, string> = {};
for (let i = 1; i <= 20; i++) {
  const n = String(i).padStart(6, '0');
  files[`db/migrations/${n}_t${i}.up.sql`] =
    `CREATE TABLE t${i} (id bigint PRIMARY KEY, name text, status text);\nCREATE INDEX t${i}_status ON t${i} (status);`;
  files[`db/migrations/${n}_t${i}.down.sql`] = `DROP TABLE t${i};`;
}
const change = [
  "SET lock_timeout = '3s';\nALTER TABLE t1 ADD COLUMN note text;",
  'CREATE INDEX CONCURRENTLY t2_name ON t2 (name);',
  "SET lock_timeout = '3s';\nALTER TABLE t3 ADD CONSTRAINT t3_name CHECK (name <> '') NOT VALID;",
  'UPDATE t4 SET status = 1 WHERE id BETWEEN 1 AND 1000;',
  "SET lock_timeout = '3s';\nALTER TABLE t5 ADD COLUMN n int;",
];
const changed: Record<string, 'added'> = {};
change.forEach((sql, i) => {
  const path = `db/migrations/${String(21 + i).padStart(6, '0')}_pr${i}.up.sql`;
  files[path] = sql;
  changed[path] = 'added';
});

await loadParser();
nock.disableNetConnect();
const warm = new WarmStarts();
/** One series of reviews; `apart`: each waits until the instance booted ahead is ready (pushes seconds apart). */
async function series(apart: boolean): Promise<number[]> {
  const timings: number[] = [];
  for (let run = 0; run <= RUNS; run++) {
    nock.cleanAll();
    const state = fakeGitHub({
      files,
      changed,
      headSha: run.toString(16).padStart(40, apart ? 'a' : 'b'),
      defaultBranch: { '.github/migration-review.yml': 'tables:\n  t1: { rows: 1000000 }\n' },
    });
    const probot = new Probot({ appId: APP_ID, privateKey: PRIVATE_KEY, secret: 'bench-webhook-secret', logLevel: 'fatal', Octokit: TestOctokit });
    const queue = new InProcessQueue(
      async (job) =>
        void (await processReview(job, { appId: APP_ID, octokitFor: (id) => probot.auth(id) as Promise<Octokit>, log: probot.log, trace: { warm } })),
      2,
    );
    await probot.load(migrationReviewApp({ appId: APP_ID, queue, firstDelivery: inProcessDeliveries() }));
    if (apart) await warm.settled();
    const body = await payload('pull_request', 'synchronize', state);
    const started = process.hrtime.bigint();
    await probot.receive({ id: `bench-${apart}-${run}`, name: 'pull_request', payload: body } as never);
    await queue.idle();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (state.comments.length !== 1 || state.checkRuns[0]?.status !== 'completed') throw new Error(`run ${run}: nothing posted`);
    if (run > 0) timings.push(seconds); // run 0 warms the process (first trace builds snapshots)
  }
  return timings.sort((a, b) => a - b);
}
const pct = (timings: number[], p: number): string => timings[Math.min(timings.length - 1, Math.ceil((p / 100) * timings.length) - 1)]!.toFixed(2);
const apart = await series(true);
const backToBack = await series(false);
await warm.close();
console.log(`app: webhook → comment + check, 5-file PR on a 20-migration repo, GitHub mocked, rules + lock trace, ${RUNS} warm runs each (goal p95 ≤ 5 s)`);
console.log(`pushes seconds apart (instance booted ahead is ready)   p50 ${pct(apart, 50)} s   p95 ${pct(apart, 95)} s`);
console.log(`back to back (the next boot competes with the review)   p50 ${pct(backToBack, 50)} s   p95 ${pct(backToBack, 95)} s`);
