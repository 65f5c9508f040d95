import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { inProcessDeliveries, migrationReviewApp } from '../../src/github/app.js';
import { processReview } from '../../src/github/process.js';
import { CHECK_NAME, MARKER } from '../../src/github/publish.js';
import { InProcessQueue } from '../../src/github/queue.js';
import type { Octokit } from '../../src/github/source.js';
import { loadParser } from '../../src/sql/parse.js';
import { WarmStarts, type TraceOptions } from '../../src/trace/index.js';
import { indexFinding, submitReviewMessage } from '../llm/messages-api.js';
import { APP_ID, fakeGitHub, payload, PRIVATE_KEY, TestOctokit, type FakeState } from './fake-github.js';

/**
 * The app end to end with real webhook payloads and a GitHub served by nock in the API's own
 * shapes: which events start a review, what gets posted, and that nothing is posted twice.
 */

const migrations = {
  'db/migrations/000001_init.up.sql':
    'CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nCREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint);',
  'db/migrations/000001_init.down.sql': 'DROP TABLE order_items;\nDROP TABLE orders;',
  'db/migrations/000002_orders_status_index.up.sql': 'CREATE INDEX idx_orders_status ON orders (status);',
  'db/migrations/000002_orders_status_index.down.sql': 'DROP INDEX idx_orders_status;',
  'src/orders.ts': "export const byStatus = (db: Db) => db.query(`SELECT id FROM orders WHERE status = 'new'`);",
};
const config = '.github/migration-review.yml';
const sizes = 'tables:\n  orders: { rows: 80000000 }\n';

function setup(state: FakeState, options: { Octokit?: typeof ProbotOctokit; llm?: { apiKey?: string }; trace?: TraceOptions } = {}) {
  const probot = new Probot({
    appId: APP_ID,
    privateKey: PRIVATE_KEY,
    secret: 'a-real-webhook-secret',
    logLevel: 'fatal',
    Octokit: options.Octokit ?? TestOctokit,
  });
  const results: string[] = [];
  const queue = new InProcessQueue(async (job) => {
    results.push(
      await processReview(job, {
        appId: APP_ID,
        octokitFor: (id) => probot.auth(id) as Promise<Octokit>,
        log: probot.log,
        trace: options.trace ?? false,
        llm: options.llm,
      }),
    );
  }, 2);
  void probot.load(migrationReviewApp({ appId: APP_ID, queue, firstDelivery: inProcessDeliveries() }));
  let delivery = 0;
  const receive = async (name: string, body: Record<string, unknown>, id = `delivery-${++delivery}`): Promise<void> => {
    await probot.receive({ id, name, payload: body } as never);
  };
  return { probot, queue, receive, results, state };
}

beforeAll(async () => {
  await loadParser();
  nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());

describe('pull_request events', () => {
  it('opened: one comment with the verdict and the seed table, one failing check with annotations', async () => {
    const state = fakeGitHub({
      files: migrations,
      changed: { 'db/migrations/000002_orders_status_index.up.sql': 'added', 'db/migrations/000002_orders_status_index.down.sql': 'added' },
      defaultBranch: { [config]: sizes },
    });
    const { receive, queue } = setup(state);
    await receive('pull_request', await payload('pull_request', 'opened', state));
    await queue.idle();
    expect(state.comments).toHaveLength(1);
    expect(state.comments[0]!.body).toContain(MARKER);
    expect(state.comments[0]!.body).toContain('| Lock Contention | ⛔ BLOCK |');
    expect(state.comments[0]!.body).toMatch(/reviewed a{7} · comment <code>\/rereview<\/code>/);
    const [run] = state.checkRuns;
    expect(run).toMatchObject({
      name: CHECK_NAME,
      head_sha: state.headSha,
      status: 'completed',
      conclusion: 'failure',
      external_id: JSON.stringify({ pr: state.pr }),
    });
    expect(run!.output!.summary).toContain('| Category | Status | Issue | Recommended Action |');
    expect(run!.annotations).toContainEqual(
      expect.objectContaining({ path: 'db/migrations/000002_orders_status_index.up.sql', start_line: 1, annotation_level: 'failure' }),
    );
    // The config came from the default branch, without a ref: never from the PR head.
    expect(state.requests).toContain(`GET contents ${config}`);
  });

  it('synchronize: the same comment is updated in place, never a second one', async () => {
    const state = fakeGitHub({ files: migrations, changed: { 'db/migrations/000002_orders_status_index.up.sql': 'added' } });
    const { receive, queue } = setup(state);
    await receive('pull_request', await payload('pull_request', 'opened', state));
    await queue.idle();
    state.headSha = 'c'.repeat(40);
    state.commits.set(state.headSha, {
      ...migrations,
      'db/migrations/000002_orders_status_index.up.sql': 'CREATE INDEX CONCURRENTLY idx_orders_status ON orders (status);',
    });
    await receive('pull_request', await payload('pull_request', 'synchronize', state));
    await queue.idle();
    expect(state.comments).toHaveLength(1);
    expect(state.requests.filter((r) => r === 'POST comment')).toHaveLength(1);
    expect(state.requests.filter((r) => r === 'PATCH comment')).toHaveLength(1);
    expect(state.checkRuns.map((r) => [r.head_sha[0], r.conclusion])).toEqual([
      ['a', 'neutral'], // unknown size → FLAG → neutral by default
      ['c', 'success'],
    ]);
  });

  it('with the lock trace: the next push on the same base is traced on an instance booted ahead', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'mr-app-warm-'));
    const warm = new WarmStarts();
    try {
      const state = fakeGitHub({ files: migrations, changed: { 'db/migrations/000002_orders_status_index.up.sql': 'added' } });
      const { receive, queue } = setup(state, { trace: { cacheDir, warm } });
      await receive('pull_request', await payload('pull_request', 'opened', state));
      await queue.idle();
      expect(state.comments[0]!.body).toContain('<b>Lock trace</b> — pglite');
      expect(state.comments[0]!.body).toContain('1 earlier migration replayed (snapshot saved)');
      expect(warm.size).toBe(1);
      state.headSha = 'c'.repeat(40);
      state.commits.set(state.headSha, {
        ...migrations,
        'db/migrations/000002_orders_status_index.up.sql': 'CREATE INDEX idx_orders_status ON orders (status, id);',
      });
      await receive('pull_request', await payload('pull_request', 'synchronize', state));
      await queue.idle();
      expect(state.comments).toHaveLength(1);
      expect(state.comments[0]!.body).toContain('1 earlier migration from a cached snapshot, booted ahead');
      expect(state.comments[0]!.body).toContain('Share (line 1)');
    } finally {
      await warm.close();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('no migration changes: a successful check, and no comment', async () => {
    const state = fakeGitHub({ files: migrations, changed: { 'src/orders.ts': 'modified' } });
    const { receive, queue } = setup(state);
    await receive('pull_request', await payload('pull_request', 'opened', state));
    await queue.idle();
    expect(state.checkRuns[0]).toMatchObject({
      status: 'completed',
      conclusion: 'success',
      output: expect.objectContaining({ title: 'No migration changes' }),
    });
    expect(state.comments).toEqual([]);
  });

  it('a later push that removes the migrations turns the comment into a note, not a stale review', async () => {
    const state = fakeGitHub({ files: migrations, changed: { 'db/migrations/000002_orders_status_index.up.sql': 'added' } });
    const { receive, queue } = setup(state);
    await receive('pull_request', await payload('pull_request', 'opened', state));
    await queue.idle();
    state.changed = { 'src/orders.ts': 'modified' };
    await receive('pull_request', await payload('pull_request', 'synchronize', state));
    await queue.idle();
    expect(state.comments).toHaveLength(1);
    expect(state.comments[0]!.body).toContain('no longer changes any migration files');
  });

  it('more than 50 findings: annotations go 50 per request', async () => {
    const many = Array.from({ length: 60 }, (_, i) => `DROP TABLE t${i};`).join('\n');
    const tables = Array.from({ length: 60 }, (_, i) => `CREATE TABLE t${i} (id int);`).join('\n');
    const files = { 'db/migrations/000001_init.up.sql': tables, 'db/migrations/000002_drop.up.sql': many };
    const state = fakeGitHub({ files, changed: { 'db/migrations/000002_drop.up.sql': 'added' } });
    const { receive, queue } = setup(state);
    await receive('pull_request', await payload('pull_request', 'opened', state));
    await queue.idle();
    const run = state.checkRuns[0]!;
    expect(run.annotations.length).toBeGreaterThan(50);
    expect(run.updates).toBe(Math.ceil(run.annotations.length / 50));
    expect(run.status).toBe('completed');
  });

  it('a redelivered webhook (same X-GitHub-Delivery) is processed once', async () => {
    const state = fakeGitHub({ files: migrations, changed: { 'db/migrations/000002_orders_status_index.up.sql': 'added' } });
    const { receive, queue } = setup(state);
    const body = await payload('pull_request', 'opened', state);
    await receive('pull_request', body, 'same-delivery');
    await receive('pull_request', body, 'same-delivery');
    await queue.idle();
    expect(state.checkRuns).toHaveLength(1);
  });

  it('50 rapid pushes on one PR: one comment, the final check on the last SHA, every other SHA "Superseded"', async () => {
    const state = fakeGitHub({ files: migrations, changed: { 'db/migrations/000002_orders_status_index.up.sql': 'added' } });
    const { receive, queue, results } = setup(state);
    const pushed: string[] = [];
    for (let i = 0; i < 50; i++) {
      state.headSha = i.toString(16).padStart(40, 'd');
      pushed.push(state.headSha);
      state.commits.set(state.headSha, migrations);
      await receive('pull_request', await payload('pull_request', 'synchronize', state));
    }
    await queue.idle();
    expect(state.comments).toHaveLength(1);
    expect(state.checkRuns.filter((r) => r.status !== 'completed')).toEqual([]);
    const reviewed = state.checkRuns.filter((r) => !r.output?.title.startsWith('Superseded'));
    expect(reviewed.map((r) => r.head_sha)).toEqual([state.headSha]);
    // Every pushed SHA, coalesced or overtaken, has a completed check: none waits as "Expected".
    expect(new Set(state.checkRuns.map((r) => r.head_sha))).toEqual(new Set(pushed));
    const superseded = state.checkRuns.filter((r) => r.head_sha !== state.headSha);
    expect(superseded.every((r) => r.conclusion === 'neutral' && r.output!.title.startsWith('Superseded — see '))).toBe(true);
    expect(results.filter((r) => r === 'posted')).toHaveLength(1);
  });

  it('a result for a head that moved during the review is dropped', async () => {
    const state = fakeGitHub({ files: migrations, changed: { 'db/migrations/000002_orders_status_index.up.sql': 'added' } });
    const { receive, queue } = setup(state);
    // A push lands while the review runs: the second pulls.get (just before posting) sees it.
    const original = state.headSha;
    state.onPullGet = (count) => {
      if (count === 2) state.headSha = 'e'.repeat(40);
    };
    await receive('pull_request', await payload('pull_request', 'opened', state, (p) => (p.pull_request.head.sha = original)));
    await queue.idle();
    expect(state.comments).toEqual([]);
    expect(state.checkRuns[0]).toMatchObject({ head_sha: original, conclusion: 'neutral', output: expect.objectContaining({ title: 'Superseded — see eeeeeee' }) });
  });

  it('an invalid config completes the check as a failure that says file:line: what is wrong', async () => {
    const state = fakeGitHub({
      files: migrations,
      changed: { 'db/migrations/000002_orders_status_index.up.sql': 'added' },
      defaultBranch: { [config]: 'tables:\n  orders: { rowz: 5 }\n' },
    });
    const { receive, queue } = setup(state);
    await receive('pull_request', await payload('pull_request', 'opened', state));
    await queue.idle();
    expect(state.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure', output: expect.objectContaining({ title: 'Invalid config — fix it, then re-run' }) });
    expect(state.checkRuns[0]!.output!.summary).toMatch(/^review failed: \.github\/migration-review\.yml:2: tables\.orders/);
    expect(state.comments).toEqual([]);
  });

  it('GitHub 502 then success: the retry plugin tries again', async () => {
    const state = fakeGitHub({ files: migrations, changed: { 'db/migrations/000002_orders_status_index.up.sql': 'added' } });
    state.failures.set('pull', 1);
    const Retrying = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
      ...options,
      retry: { enabled: true, retries: 2, retryAfterBaseValue: 5 },
      throttle: { enabled: false },
    }));
    const { receive, queue } = setup(state, { Octokit: Retrying });
    await receive('pull_request', await payload('pull_request', 'opened', state));
    await queue.idle();
    expect(state.requests.filter((r) => r === 'GET pull').length).toBeGreaterThanOrEqual(3);
    expect(state.comments).toHaveLength(1);
  });

  it('a rate limit: the throttle plugin waits for the reset and tries again', async () => {
    const state = fakeGitHub({ files: migrations, changed: { 'db/migrations/000002_orders_status_index.up.sql': 'added' } });
    state.failures.set('pull-rate-limit', 1);
    // Probot's own throttle defaults (retry once after the reset), retries for 5xx off.
    const Throttled = ProbotOctokit.defaults((options: Record<string, unknown>) => ({ ...options, retry: { enabled: false } }));
    const { receive, queue } = setup(state, { Octokit: Throttled });
    await receive('pull_request', await payload('pull_request', 'opened', state));
    await queue.idle();
    expect(state.requests.filter((r) => r === 'GET pull').length).toBeGreaterThanOrEqual(3);
    expect(state.comments).toHaveLength(1);
  });
});

describe('/rereview', () => {
  it('from a collaborator with write access: 👀, a new review, then 👍', async () => {
    const state = fakeGitHub({
      files: migrations,
      changed: { 'db/migrations/000002_orders_status_index.up.sql': 'added' },
      permissions: { Codertocat: 'write' },
    });
    const { receive, queue } = setup(state);
    const body = await payload('issue_comment', 'created', state, (p) => {
      p.comment.body = '/rereview please';
      p.comment.user.login = 'Codertocat';
      p.comment.user.type = 'User';
    });
    await receive('issue_comment', body);
    await queue.idle();
    expect(state.reactions.map((r) => r.content)).toEqual(['eyes', '+1']);
    expect(state.checkRuns).toHaveLength(1);
    expect(state.comments).toHaveLength(1);
  });
  it('from anyone else: a short reply, and no review', async () => {
    const state = fakeGitHub({
      files: migrations,
      changed: { 'db/migrations/000002_orders_status_index.up.sql': 'added' },
      permissions: { Codertocat: 'read' },
    });
    const { receive, queue } = setup(state);
    await receive(
      'issue_comment',
      await payload('issue_comment', 'created', state, (p) => {
        p.comment.body = '/rereview';
        p.comment.user.login = 'Codertocat';
        p.comment.user.type = 'User';
      }),
    );
    await queue.idle();
    expect(state.checkRuns).toEqual([]);
    expect(state.comments.map((c) => c.body)).toEqual([expect.stringContaining('Only collaborators with write access')]);
  });
  it('other comments are ignored', async () => {
    const state = fakeGitHub({ files: migrations, changed: {} });
    const { receive, queue } = setup(state);
    await receive('issue_comment', await payload('issue_comment', 'created', state, (p) => (p.comment.body = 'LGTM, but please /rereview later')));
    await queue.idle();
    expect(state.requests).toEqual([]);
  });
});

describe('check_run events', () => {
  it('a re-run of our check (fork PR: no pull_requests, the number is in external_id) reviews again', async () => {
    const state = fakeGitHub({ files: migrations, changed: { 'db/migrations/000002_orders_status_index.up.sql': 'added' } });
    const { receive, queue } = setup(state);
    await receive(
      'check_run',
      await payload('check_run', 'rerequested', state, (p) => {
        p.check_run.app.id = APP_ID;
        p.check_run.pull_requests = [];
        p.check_run.external_id = JSON.stringify({ pr: state.pr });
      }),
    );
    await queue.idle();
    expect(state.checkRuns).toHaveLength(1);
  });
  it("another app's check runs are ignored", async () => {
    const state = fakeGitHub({ files: migrations, changed: {} });
    const { receive, queue } = setup(state);
    await receive('check_run', await payload('check_run', 'rerequested', state, (p) => (p.check_run.app.id = 15368)));
    await queue.idle();
    expect(state.requests).toEqual([]);
  });
  it('the "Re-run review" button runs it again', async () => {
    const state = fakeGitHub({ files: migrations, changed: { 'db/migrations/000002_orders_status_index.up.sql': 'added' } });
    const { receive, queue } = setup(state);
    await receive(
      'check_run',
      await payload('check_run', 'requested_action', state, (p) => {
        p.check_run.app.id = APP_ID;
        p.check_run.pull_requests = [{ number: state.pr }];
        p.requested_action = { identifier: 'rereview' };
      }),
    );
    await queue.idle();
    expect(state.checkRuns).toHaveLength(1);
  });
});

describe('check_suite events ("Re-run all checks")', () => {
  it('a re-requested suite of ours reviews the PR again', async () => {
    const state = fakeGitHub({ files: migrations, changed: { 'db/migrations/000002_orders_status_index.up.sql': 'added' } });
    const { receive, queue, results } = setup(state);
    await receive(
      'check_suite',
      await payload('check_suite', 'rerequested', state, (p) => {
        p.check_suite.app.id = APP_ID;
        p.check_suite.pull_requests[0].number = state.pr;
      }),
    );
    await queue.idle();
    expect(results).toEqual(['posted']);
    expect(state.checkRuns).toEqual([expect.objectContaining({ head_sha: state.headSha, status: 'completed', conclusion: 'neutral' })]); // FLAG: sizes unknown
  });
  it("another app's suite is ignored", async () => {
    const state = fakeGitHub({ files: migrations, changed: {} });
    const { receive, queue } = setup(state);
    await receive('check_suite', await payload('check_suite', 'rerequested', state));
    await queue.idle();
    expect(state.requests).toEqual([]);
  });
});

describe('checks.errorConclusion', () => {
  it('neutral: a review that fails on a GitHub error completes neutral, with the reason', async () => {
    const state = fakeGitHub({
      files: migrations,
      changed: { 'db/migrations/000002_orders_status_index.up.sql': 'added' },
      defaultBranch: { [config]: 'checks:\n  errorConclusion: neutral\n' },
    });
    state.commits.delete(state.headSha); // the tree request answers 404
    const { receive, queue, results } = setup(state);
    await receive('pull_request', await payload('pull_request', 'opened', state));
    await queue.idle();
    expect(results).toEqual(['failed']);
    expect(state.checkRuns).toEqual([
      expect.objectContaining({ status: 'completed', conclusion: 'neutral', output: expect.objectContaining({ title: 'Review failed — re-run', summary: expect.stringMatching(/^review failed: Not Found/) }) }),
    ]);
  });
  it('by default the same failure concludes failure', async () => {
    const state = fakeGitHub({ files: migrations, changed: { 'db/migrations/000002_orders_status_index.up.sql': 'added' } });
    state.commits.delete(state.headSha);
    const { receive, queue } = setup(state);
    await receive('pull_request', await payload('pull_request', 'opened', state));
    await queue.idle();
    expect(state.checkRuns).toEqual([expect.objectContaining({ status: 'completed', conclusion: 'failure' })]);
  });
});

describe('installation events', () => {
  it('are handled without error', async () => {
    const state = fakeGitHub({ files: migrations, changed: {} });
    const { receive } = setup(state);
    await expect(receive('installation', await payload('installation', 'created', state))).resolves.toBeUndefined();
  });
});

describe("Claude's review in the app", () => {
  const opened = { 'db/migrations/000002_orders_status_index.up.sql': 'added' as const };
  it("posts the deterministic result first, then updates the comment and check with Claude's findings", async () => {
    const state = fakeGitHub({ files: migrations, changed: opened });
    const bodies: string[] = [];
    nock('https://api.anthropic.com')
      .post('/v1/messages')
      .reply(() => {
        bodies.push(state.comments[0]?.body ?? '');
        return [
          200,
          submitReviewMessage({ verdict: 'SAFE_WITH_MODIFICATIONS', justification: 'Verify the size of orders before merging.', findings: [indexFinding] }),
        ];
      });
    const { receive, queue } = setup(state, { llm: { apiKey: 'sk-ant-test' } });
    await receive('pull_request', await payload('pull_request', 'opened', state));
    await queue.idle();
    expect(bodies[0]).toContain('Claude review: in progress');
    expect(state.comments).toHaveLength(1);
    expect(state.comments[0]!.body).toContain('claude-review');
    expect(state.comments[0]!.body).not.toContain('in progress');
    expect(state.checkRuns).toHaveLength(1);
  });
  it('without a key the comment says so in one line', async () => {
    const state = fakeGitHub({ files: migrations, changed: opened });
    const { receive, queue } = setup(state, { llm: {} });
    await receive('pull_request', await payload('pull_request', 'opened', state));
    await queue.idle();
    expect(state.comments[0]!.body).toContain('Claude review: ANTHROPIC_API_KEY is not set — deterministic review only');
  });
});
