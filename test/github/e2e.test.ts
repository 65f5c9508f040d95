import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it, jest } from '@jest/globals';
import { Redis } from 'ioredis';
import { MARKER } from '../../src/github/publish.js';
import { readSettings, startApp, type RunningApp } from '../../src/github/server.js';
import { deliver, examplePayload, GitHubStandIn, type FileStatus, type Json } from './github-stand-in.js';
import { roleWith } from '../trace/postgres-roles.js';

/**
 * The app as production runs it: `readSettings(env)` + `startApp` as main.ts does, real HTTP on
 * an ephemeral port, webhooks signed with the secret and taken from @octokit/webhooks-examples,
 * GitHub's REST API served by a stand-in HTTP server on 127.0.0.1 that injects GitHub's failures.
 * Octokit's own retry and throttle plugins are on, as configured by the app. After each case:
 * at most one comment of ours, every check run completed, the final check on the PR's last head.
 */

jest.setTimeout(60_000);

const APP_ID = 4242;
const INSTALLATION = 77;
const SECRET = 'an-e2e-webhook-secret-0123456789';
const PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const REDIS_URL = 'redis://127.0.0.1:6379';

const migrations: Record<string, string> = {
  'db/migrations/000001_init.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);',
  'db/migrations/000001_init.down.sql': 'DROP TABLE orders;',
  'db/migrations/000002_orders_status_index.up.sql': 'CREATE INDEX idx_orders_status ON orders (status);',
  'db/migrations/000002_orders_status_index.down.sql': 'DROP INDEX idx_orders_status;',
  'src/orders.ts': "export const byStatus = (db: Db) => db.query(`SELECT id FROM orders WHERE status = 'new'`);",
};
const indexChange: Record<string, FileStatus> = {
  'db/migrations/000002_orders_status_index.up.sql': 'added',
  'db/migrations/000002_orders_status_index.down.sql': 'added',
};
/** orders is large: the plain CREATE INDEX is a BLOCK. */
const CONFIG = { '.github/migration-review.yml': 'tables:\n  orders: { rows: 80000000 }\n' };
const sha = (n: number, fill = 'c'): string => n.toString(16).padStart(40, fill);

interface Running {
  github: GitHubStandIn;
  apps: RunningApp[];
  send(event: string, payload: Json, delivery?: string, app?: RunningApp): Promise<Response>;
  idle(): Promise<void>;
}

const running: Running[] = [];
const redisPrefixes: string[] = [];

/** A stand-in GitHub and `replicas` app servers started from the environment, as main.ts starts one. */
async function boot(env: Record<string, string> = {}, replicas = 1): Promise<Running> {
  const github = await new GitHubStandIn(APP_ID, PRIVATE_KEY).start();
  github.defaultBranch = { ...CONFIG };
  const settings = readSettings({
    APP_ID: String(APP_ID),
    PRIVATE_KEY,
    WEBHOOK_SECRET: SECRET,
    PORT: '0',
    LOG_LEVEL: 'fatal',
    TRACE: 'off',
    GITHUB_API_URL: github.url,
    // 5xx back-off 20 ms · n² instead of 1 s · n², so retries fit a test; the secondary limit's
    // retry-after (1 s) is honoured as sent.
    GITHUB_RETRY_DELAY_MS: '20',
    ...env,
  });
  const apps: RunningApp[] = [];
  for (let i = 0; i < replicas; i++) apps.push(await startApp(settings));
  const run: Running = {
    github,
    apps,
    send: (event, payload, delivery = randomUUID(), app = apps[0]!) => deliver(app.url, SECRET, event, payload, delivery),
    idle: async () => void (await Promise.all(apps.map((a) => a.queue.idle()))),
  };
  running.push(run);
  return run;
}

afterEach(async () => {
  for (const run of running.splice(0)) {
    for (const app of run.apps) await app.close();
    await run.github.close();
  }
});
afterAll(async () => {
  if (!redisPrefixes.length) return;
  const redis = new Redis(REDIS_URL);
  for (const prefix of redisPrefixes) {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  }
  await redis.quit();
});

const pullRequestEvent = (run: Running, action: string, pr: number): Json =>
  examplePayload('pull_request', action, run.github, INSTALLATION, (p) => {
    p.number = pr;
    p.pull_request.number = pr;
    p.pull_request.head.sha = run.github.pulls.get(pr)!.headSha;
  });

const rereviewComment = (run: Running, pr: number, login: string, id: number): Json =>
  examplePayload('issue_comment', 'created', run.github, INSTALLATION, (p) => {
    p.issue.number = pr;
    p.issue.pull_request = { url: `${run.github.url}/repos/acme/shop/pulls/${pr}` };
    p.comment.id = id;
    p.comment.body = '/rereview';
    p.comment.user.login = login;
  });

const ours = (run: Running, pr: number) => run.github.comments.filter((c) => c.issue === pr && c.body.includes(MARKER));

/** What every case must end with: ≤ 1 comment of ours, no check left open, the last head reviewed (not superseded). */
function expectSettled(run: Running, pr: number): void {
  const { github } = run;
  expect(ours(run, pr).length).toBeLessThanOrEqual(1);
  expect(github.checkRuns.filter((r) => r.status !== 'completed').map((r) => `${r.id} on ${r.head_sha}: ${r.status}`)).toEqual([]);
  const head = github.pulls.get(pr)!.headSha;
  const last = github.runsOn(head).at(-1);
  expect(last?.output.title).not.toMatch(/^Superseded/);
  expect(github.requests.filter((r) => r.route.startsWith('unknown'))).toEqual([]);
}

describe('end to end: webhooks over HTTP, GitHub stand-in over HTTP', () => {
  it('opened: one comment with the BLOCK, one failing check with annotations on the head', async () => {
    const run = await boot();
    const pull = run.github.openPull(12, sha(1), migrations, indexChange);
    const response = await run.send('pull_request', pullRequestEvent(run, 'opened', 12));
    expect(response.status).toBe(200);
    await run.idle();
    expectSettled(run, 12);
    expect(ours(run, 12)).toHaveLength(1);
    expect(ours(run, 12)[0]!.body).toContain('| Lock Contention | ⛔ BLOCK |');
    const [check] = run.github.runsOn(pull.headSha);
    expect(check).toMatchObject({ name: 'migration-review', status: 'completed', conclusion: 'failure', external_id: '{"pr":12}' });
    expect(check!.annotations.length).toBeGreaterThan(0);
  });

  it('20 rapid synchronizes: one comment, the final check on the last SHA, every other SHA "Superseded"', async () => {
    const run = await boot();
    run.github.openPull(12, sha(0), migrations, indexChange);
    const pushed: string[] = [];
    for (let i = 1; i <= 20; i++) {
      run.github.push(12, sha(i));
      pushed.push(sha(i));
      expect((await run.send('pull_request', pullRequestEvent(run, 'synchronize', 12))).status).toBe(200);
    }
    await run.idle();
    expectSettled(run, 12);
    expect(ours(run, 12)).toHaveLength(1);
    expect(ours(run, 12)[0]!.body).toContain(`reviewed ${sha(20).slice(0, 7)}`);
    for (const each of pushed) expect(run.github.runsOn(each).length).toBeGreaterThan(0);
    const reviewed = run.github.checkRuns.filter((r) => !r.output.title?.startsWith('Superseded'));
    expect(reviewed.map((r) => r.head_sha)).toEqual([sha(20)]);
    expect(
      run.github.checkRuns
        .filter((r) => r.head_sha !== sha(20))
        .every((r) => r.conclusion === 'neutral' && r.output.title === `Superseded — see ${sha(20).slice(0, 7)}`),
    ).toBe(true);
  });

  it('a PR with no migration changes: no comment, a successful "No migration changes" check', async () => {
    const run = await boot();
    run.github.openPull(12, sha(1), migrations, { 'src/orders.ts': 'modified' });
    await run.send('pull_request', pullRequestEvent(run, 'opened', 12));
    await run.idle();
    expectSettled(run, 12);
    expect(run.github.comments).toEqual([]);
    expect(run.github.runsOn(sha(1))).toEqual([
      expect.objectContaining({ status: 'completed', conclusion: 'success', output: expect.objectContaining({ title: 'No migration changes' }) }),
    ]);
  });

  it('/rereview: a read user is told no; a write user gets the review, 👀 then 👍', async () => {
    const run = await boot();
    run.github.openPull(12, sha(1), migrations, indexChange);
    run.github.permissions.writer = 'write';
    await run.send('issue_comment', rereviewComment(run, 12, 'reader', 31));
    await run.idle();
    expect(run.github.checkRuns).toEqual([]);
    expect(run.github.comments.map((c) => c.body)).toEqual([expect.stringContaining('Only collaborators with write access')]);
    await run.send('issue_comment', rereviewComment(run, 12, 'writer', 32));
    await run.idle();
    expectSettled(run, 12);
    expect(ours(run, 12)).toHaveLength(1);
    expect(run.github.runsOn(sha(1))).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'failure' })]);
    expect(run.github.reactions).toEqual([
      { commentId: 32, content: 'eyes' },
      { commentId: 32, content: '+1' },
    ]);
  });

  it('a redelivery (same X-GitHub-Delivery) is reviewed once', async () => {
    const run = await boot();
    run.github.openPull(12, sha(1), migrations, indexChange);
    const event = pullRequestEvent(run, 'opened', 12);
    await run.send('pull_request', event, 'same-delivery');
    await run.send('pull_request', event, 'same-delivery');
    await run.idle();
    expectSettled(run, 12);
    expect(run.github.checkRuns).toHaveLength(1);
    expect(run.github.count('POST comment')).toBe(1);
  });

  it('a bad signature is refused with 401 before GitHub is asked anything', async () => {
    const run = await boot();
    run.github.openPull(12, sha(1), migrations, indexChange);
    const body = JSON.stringify(pullRequestEvent(run, 'opened', 12));
    const response = await fetch(`${run.apps[0]!.url}/api/github/webhooks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'pull_request',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${'0'.repeat(64)}`,
      },
      body,
    });
    expect(response.status).toBe(401);
    await run.idle();
    expect(run.github.requests).toEqual([]);
  });

  it('GitHub answers 500 twice, then succeeds: the retries carry the review through', async () => {
    const run = await boot();
    run.github.openPull(12, sha(1), migrations, indexChange);
    run.github.fail('GET tree', { kind: 500, times: 2 });
    await run.send('pull_request', pullRequestEvent(run, 'opened', 12));
    await run.idle();
    expect(run.github.count('GET tree', 500)).toBe(2);
    expectSettled(run, 12);
    expect(ours(run, 12)).toHaveLength(1);
    expect(run.github.runsOn(sha(1))).toEqual([
      expect.objectContaining({ conclusion: 'failure', output: expect.objectContaining({ title: expect.stringMatching(/^BLOCK — /) }) }),
    ]);
  });

  it('a persistent 500 fails closed: the check concludes failure with the reason and a re-run button; the re-run converges', async () => {
    const run = await boot();
    run.github.openPull(12, sha(1), migrations, indexChange);
    run.github.fail('GET tree', { kind: 500, times: Infinity });
    await run.send('pull_request', pullRequestEvent(run, 'opened', 12));
    await run.idle();
    expect(run.github.count('GET tree', 500)).toBe(4); // the first try and 3 retries
    expectSettled(run, 12);
    const [failed] = run.github.runsOn(sha(1));
    expect(failed).toMatchObject({
      status: 'completed',
      conclusion: 'failure',
      output: { title: 'Review failed — re-run', summary: expect.stringMatching(/^review failed: Server Error/) },
    });
    expect(failed!.actions).toEqual([expect.objectContaining({ identifier: 'rereview' })]);
    expect(run.github.comments).toEqual([]);
    // GitHub recovers; the check's "Re-run review" button.
    run.github.clearFaults();
    await run.send(
      'check_run',
      examplePayload('check_run', 'requested_action', run.github, INSTALLATION, (p) => {
        p.check_run.app.id = APP_ID;
        p.check_run.pull_requests = [{ number: 12 }];
        p.requested_action = { identifier: 'rereview' };
      }),
    );
    await run.idle();
    expectSettled(run, 12);
    expect(run.github.runsOn(sha(1)).at(-1)).toMatchObject({ conclusion: 'failure', output: { title: expect.stringMatching(/^BLOCK — /) } });
    expect(ours(run, 12)).toHaveLength(1);
  });

  it('a secondary rate limit on the final check update is waited out (retry-after) and the check completes', async () => {
    const run = await boot();
    run.github.openPull(12, sha(1), migrations, indexChange);
    run.github.fail('PATCH check-run', { kind: 'secondary-rate-limit', times: 1, retryAfter: 1, when: (body) => body.status === 'completed' });
    await run.send('pull_request', pullRequestEvent(run, 'opened', 12));
    await run.idle();
    expect(run.github.count('PATCH check-run', 403)).toBe(1);
    expectSettled(run, 12);
    expect(ours(run, 12)[0]!.body).toContain('⛔ BLOCK');
    expect(run.github.runsOn(sha(1))).toEqual([
      expect.objectContaining({ conclusion: 'failure', output: expect.objectContaining({ title: expect.stringMatching(/^BLOCK — /) }) }),
    ]);
  });

  it('a secondary limit that outlasts the retries: comment and check agree, and "Re-run all checks" (fork: no pull_requests) converges them', async () => {
    const run = await boot();
    run.github.openPull(12, sha(1), migrations, indexChange);
    run.github.fail('PATCH check-run', { kind: 'secondary-rate-limit', times: Infinity, retryAfter: 1, when: (body) => body.status === 'completed' });
    await run.send('pull_request', pullRequestEvent(run, 'opened', 12));
    await run.idle();
    // The result could not be completed, nor the failure: the comment says the review failed, not BLOCK.
    expect(ours(run, 12)).toHaveLength(1);
    expect(ours(run, 12)[0]!.body).toContain('Review failed — re-run');
    expect(run.github.runsOn(sha(1))).toEqual([expect.objectContaining({ status: 'in_progress' })]);
    run.github.clearFaults();
    await run.send(
      'check_suite',
      examplePayload('check_suite', 'rerequested', run.github, INSTALLATION, (p) => {
        p.check_suite.app.id = APP_ID;
        p.check_suite.id = run.github.suiteOf(run.github.checkRuns[0]!);
        p.check_suite.head_sha = sha(1);
        p.check_suite.pull_requests = [];
      }),
    );
    await run.idle();
    expectSettled(run, 12);
    // The open run was reused, not left pending beside a new one.
    expect(run.github.runsOn(sha(1))).toEqual([
      expect.objectContaining({ status: 'completed', conclusion: 'failure', output: expect.objectContaining({ title: expect.stringMatching(/^BLOCK — /) }) }),
    ]);
    expect(ours(run, 12)[0]!.body).toContain('⛔ BLOCK');
  });

  it('another app\'s "Re-run all checks" is ignored', async () => {
    const run = await boot();
    run.github.openPull(12, sha(1), migrations, indexChange);
    await run.send('check_suite', examplePayload('check_suite', 'rerequested', run.github, INSTALLATION));
    await run.idle();
    expect(run.github.requests).toEqual([]);
  });

  it('two replicas on Redis, overlapping jobs for the same PRs: one comment per PR, every check completed', async () => {
    const prefix = `mr-e2e-${process.pid}-${Date.now()}`;
    redisPrefixes.push(prefix);
    const run = await boot({ REDIS_URL, REDIS_PREFIX: prefix }, 2);
    run.github.latencyMs = 15; // GitHub is not instant: the window two writers could race in
    const [a, b] = run.apps;
    const prs = [21, 22, 23, 24];
    for (const pr of prs) run.github.openPull(pr, sha(pr, 'e'), migrations, indexChange);
    run.github.permissions.writer = 'write';
    // Each PR: opened on one replica and reopened on the other at once; PR 24 also a push + /rereview.
    await Promise.all(
      prs.flatMap((pr) => [
        run.send('pull_request', pullRequestEvent(run, 'opened', pr), undefined, a),
        run.send('pull_request', pullRequestEvent(run, 'reopened', pr), undefined, b),
      ]),
    );
    run.github.push(24, sha(99, 'e'));
    await Promise.all([
      run.send('pull_request', pullRequestEvent(run, 'synchronize', 24), undefined, a),
      run.send('issue_comment', rereviewComment(run, 24, 'writer', 77), undefined, b),
    ]);
    await run.github.waitFor('a completed, not superseded check on every PR head', () =>
      prs.every((pr) =>
        run.github.runsOn(run.github.pulls.get(pr)!.headSha).some((r) => r.status === 'completed' && !r.output.title?.startsWith('Superseded')),
      ),
    );
    await run.idle();
    for (const pr of prs) {
      expectSettled(run, pr);
      expect(ours(run, pr)).toHaveLength(1);
    }
  });

  it('with the lock trace on (PostgreSQL on 127.0.0.1): the trace evidence reaches the check', async () => {
    // As the README says: a role with CREATEDB only (a superuser's trace is refused).
    const run = await boot({ TRACE: 'on', DATABASE_URL: await roleWith('migration_review_app') });
    run.github.openPull(12, sha(1), migrations, indexChange);
    await run.send('pull_request', pullRequestEvent(run, 'opened', 12));
    await run.idle();
    expectSettled(run, 12);
    expect(ours(run, 12)).toHaveLength(1);
    const [check] = run.github.runsOn(sha(1));
    expect(check).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(check!.output.text).toContain('_Trace:');
  });
});
