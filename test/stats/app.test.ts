import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { Probot } from 'probot';
import { inProcessDeliveries, migrationReviewApp } from '../../src/github/app.js';
import { processReview } from '../../src/github/process.js';
import { InProcessQueue } from '../../src/github/queue.js';
import type { Octokit } from '../../src/github/source.js';
import { loadParser } from '../../src/sql/parse.js';
import type { StatsFile } from '../../src/stats/schema.js';
import { APP_ID, fakeGitHub, payload, PRIVATE_KEY, TestOctokit, type FakeState } from '../github/fake-github.js';

/**
 * The app reads the statistics file from the default branch, like the config: a PR cannot make
 * its tables small by committing its own file, and a broken file is one note in the comment.
 */
const STATS_PATH = '.github/migration-review-stats.json';
const files = {
  'db/migrations/000001_init.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);',
  'db/migrations/000001_init.down.sql': 'DROP TABLE orders;',
  'db/migrations/000002_orders_status_index.up.sql': 'CREATE INDEX idx_orders_status ON orders (status);',
  'db/migrations/000002_orders_status_index.down.sql': 'DROP INDEX idx_orders_status;',
};
const changed = { 'db/migrations/000002_orders_status_index.up.sql': 'added', 'db/migrations/000002_orders_status_index.down.sql': 'added' } as const;

function statsWithOrders(rows: number): string {
  const stats: StatsFile = {
    schemaVersion: 1,
    collectedAt: '2026-11-28T06:00:00.000Z',
    servers: [{ role: 'primary', postgres: 15, countingSince: '2026-11-01T00:00:00.000Z' }],
    sampleSeconds: 10,
    tables: { 'public.orders': { rows, totalBytes: rows * 300, heapBytes: rows * 200, liveTuples: rows, deadTuples: 0, writesPerSecond: 300 } },
    indexes: {},
  };
  return JSON.stringify(stats);
}

async function reviewPullRequest(state: FakeState): Promise<string> {
  const probot = new Probot({ appId: APP_ID, privateKey: PRIVATE_KEY, secret: 'a-real-webhook-secret', logLevel: 'fatal', Octokit: TestOctokit });
  const queue = new InProcessQueue(async (job) => {
    await processReview(job, { appId: APP_ID, octokitFor: (id) => probot.auth(id) as Promise<Octokit>, log: probot.log, trace: false });
  }, 1);
  void probot.load(migrationReviewApp({ appId: APP_ID, queue, firstDelivery: inProcessDeliveries() }));
  await probot.receive({ id: 'delivery-1', name: 'pull_request', payload: await payload('pull_request', 'opened', state) } as never);
  await queue.idle();
  expect(state.comments).toHaveLength(1);
  return state.comments[0]!.body;
}

beforeAll(async () => {
  await loadParser();
  nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());

describe('the app with a statistics file', () => {
  it("takes sizes from the default branch's file, not from one the PR commits", async () => {
    const state = fakeGitHub({
      files: { ...files, [STATS_PATH]: statsWithOrders(100) },
      changed: { ...changed, [STATS_PATH]: 'added' },
      defaultBranch: { [STATS_PATH]: statsWithOrders(80_000_000) },
    });
    const body = await reviewPullRequest(state);
    expect(state.requests).toContain(`GET contents ${STATS_PATH}`);
    expect(body).toContain('| Lock Contention | ⛔ BLOCK |');
    expect(body).toMatch(/orders \(80M rows\)/);
    expect(body).toContain('Sizes from database stats of 2026-11-28');
  });

  it('notes a broken file in one line and reviews with the config alone', async () => {
    const state = fakeGitHub({ files, changed, defaultBranch: { [STATS_PATH]: '{"schemaVersion": 1, "tables": 3}' } });
    const body = await reviewPullRequest(state);
    expect(body).toMatch(
      /> skipped: database statistics: \.github\/migration-review-stats\.json: \\?\$\.collectedAt: missing \(expected string\) — sizes come from the config alone\n/,
    );
    // Without sizes, the index build is the usual "Verify: size of orders".
    expect(body).toContain('Verify: size of orders');
  });
});
