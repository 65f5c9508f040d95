import { createHmac } from 'node:crypto';
import { availableParallelism, totalmem } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { readSettings, startApp, type RunningApp } from '../../src/github/server.js';
import { APP_ID, fakeGitHub, payload, PRIVATE_KEY, TestOctokit } from './fake-github.js';

/** The server over real HTTP on 127.0.0.1: signatures, the health endpoint, settings. */
const SECRET = 'a-webhook-secret-of-some-length';
const env: Record<string, string> = { APP_ID: String(APP_ID), PRIVATE_KEY, WEBHOOK_SECRET: SECRET, PORT: '0', LOG_LEVEL: 'fatal', TRACE: 'off' };
let app: RunningApp;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  app = await startApp(readSettings(env), { Octokit: TestOctokit });
});
afterEach(() => nock.cleanAll());
afterAll(async () => {
  await app.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

const post = (body: string, signature: string, delivery = 'd-1'): Promise<Response> =>
  fetch(`${app.url}/api/github/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'pull_request', 'x-github-delivery': delivery, 'x-hub-signature-256': signature },
    body,
  });
const sign = (body: string, secret = SECRET): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('the app server', () => {
  it('answers /healthz with the version and the queue', async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', queue: { kind: 'in-process', waiting: 0, running: 0 } });
  });
  it('rejects a webhook with a bad signature (401), before any review', async () => {
    const state = fakeGitHub({ files: {}, changed: {} });
    const body = JSON.stringify(await payload('pull_request', 'opened', state));
    const response = await post(body, sign(body, 'not-the-secret'));
    expect(response.status).toBe(401);
    expect(state.requests).toEqual([]);
    const unsigned = await fetch(`${app.url}/api/github/webhooks`, { method: 'POST', headers: { 'x-github-event': 'ping', 'x-github-delivery': 'd-0' }, body });
    expect(unsigned.status).toBe(401);
  });
  it('accepts a signed webhook at once and reviews it off the request path', async () => {
    const state = fakeGitHub({ files: { 'db/migrations/000001_a.up.sql': 'CREATE TABLE a (id int);' }, changed: { 'db/migrations/000001_a.up.sql': 'added' } });
    const body = JSON.stringify(await payload('pull_request', 'opened', state));
    const response = await post(body, sign(body), 'd-2');
    expect(response.status).toBeLessThan(300);
    await app.queue.idle();
    expect(state.checkRuns[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
  });
});

describe('settings', () => {
  it('refuses to start without a real webhook secret', () => {
    expect(() => readSettings({ ...env, WEBHOOK_SECRET: '' })).toThrow('WEBHOOK_SECRET is not set');
    expect(() => readSettings({ ...env, WEBHOOK_SECRET: 'development' })).toThrow(/not "development"/);
  });
  it('takes the private key as PEM, \\n-escaped or base64, or from a path', () => {
    const escaped = PRIVATE_KEY.replace(/\n/g, '\\n');
    expect(readSettings({ ...env, PRIVATE_KEY: escaped }).privateKey).toBe(PRIVATE_KEY);
    expect(readSettings({ ...env, PRIVATE_KEY: Buffer.from(PRIVATE_KEY).toString('base64') }).privateKey).toBe(PRIVATE_KEY);
    expect(() => readSettings({ ...env, PRIVATE_KEY: 'nonsense' })).toThrow(/not a PEM private key/);
  });
  it('takes ANTHROPIC_BASE_URL for Claude, as the CLI does', () => {
    expect(readSettings({ ...env, ANTHROPIC_BASE_URL: 'https://llm-gateway.internal.example' }).anthropicBaseUrl).toBe('https://llm-gateway.internal.example');
    expect(readSettings(env).anthropicBaseUrl).toBeNull();
  });
  it('names what is missing', () => {
    expect(() => readSettings({ ...env, APP_ID: 'abc' })).toThrow(/APP_ID must be the app's numeric id/);
    expect(() => readSettings({ WEBHOOK_SECRET: SECRET })).toThrow('APP_ID is not set');
  });
  it('keeps one PGlite instance booted ahead per concurrent review by default, within cores and memory; TRACE_WARM_INSTANCES sets how many (0: none)', () => {
    expect(readSettings(env).warmTraces).toBe(Math.min(2, availableParallelism()));
    expect(readSettings({ ...env, REVIEW_CONCURRENCY: '1' }).warmTraces).toBe(1);
    expect(readSettings({ ...env, REVIEW_CONCURRENCY: '64' }).warmTraces).toBe(Math.min(64, availableParallelism(), Math.floor(totalmem() / 1024 / 1024 / 4 / 150)));
    expect(readSettings({ ...env, TRACE_WARM_INSTANCES: '0' }).warmTraces).toBe(0);
    expect(readSettings({ ...env, TRACE_WARM_INSTANCES: ' 3 ' }).warmTraces).toBe(3);
    expect(() => readSettings({ ...env, TRACE_WARM_INSTANCES: 'many' })).toThrow('TRACE_WARM_INSTANCES must be a whole number (0 or more), not "many"');
    expect(() => readSettings({ ...env, TRACE_WARM_INSTANCES: '-1' })).toThrow(/TRACE_WARM_INSTANCES must be a whole number/);
  });
});
