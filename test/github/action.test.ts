import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { runAction } from '../../src/github/action.js';
import { loadParser } from '../../src/sql/parse.js';
import { makeRepo } from '../helpers.js';
import { fakeGitHub, payload, TestOctokit } from './fake-github.js';

/** The Action: the workflow's event file and token, the same comment and check as the app. */

beforeAll(async () => {
  await loadParser();
  nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());

describe('migration-review github-action', () => {
  it('reviews the PR of the event and posts one comment and one check', async () => {
    const state = fakeGitHub({
      files: { 'migrations/000001_a.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);', 'migrations/000002_b.up.sql': 'CREATE INDEX idx ON orders (status);' },
      changed: { 'migrations/000002_b.up.sql': 'added' },
      defaultBranch: { '.github/migration-review.yml': 'tables:\n  orders: { rows: 80000000 }\n' },
    });
    const dir = await makeRepo({});
    const eventPath = join(dir, 'event.json');
    await writeFile(eventPath, JSON.stringify(await payload('pull_request', 'synchronize', state)));
    const code = await runAction({ GITHUB_TOKEN: 'ghs_workflow', GITHUB_EVENT_PATH: eventPath, GITHUB_RUN_ID: '99', MIGRATION_REVIEW_TRACE: 'off' }, { Octokit: TestOctokit, log: () => undefined });
    expect(code).toBe(0);
    expect(state.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'failure' });
    expect(state.comments).toHaveLength(1);
  });
  it('says what is missing outside Actions', async () => {
    await expect(runAction({})).rejects.toThrow(/GITHUB_TOKEN is not set/);
    await expect(runAction({ GITHUB_TOKEN: 'x' })).rejects.toThrow(/GITHUB_EVENT_PATH is not set/);
  });
});
