import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { Redis } from 'ioredis';
import { Probot, ProbotOctokit } from 'probot';
import { ConfigError } from '../core/errors.js';
import { inProcessDeliveries, migrationReviewApp } from './app.js';
import { processReview, type ProcessDeps } from './process.js';
import { appOctokit } from './octokit.js';
import { VERSION } from './publish.js';
import { InProcessQueue, RedisQueue, type JobQueue, type ReviewJob } from './queue.js';
import type { Octokit } from './source.js';
import { WarmStarts, warmInstancesFor } from '../trace/index.js';

/**
 * The app server: Probot's webhook middleware (signature check included), a health endpoint, and
 * the review queue. Settings come from the environment (and a `.env` file, which never overrides
 * a variable that is already set).
 */
export interface AppSettings {
  appId: number;
  privateKey: string;
  webhookSecret: string;
  webhookPath: string;
  port: number;
  host: string;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  redisUrl: string | null;
  /** Prefix of every Redis key (queue, PR locks, deliveries): several deployments can share one Redis. */
  redisPrefix: string;
  concurrency: number;
  /** Trace on this PostgreSQL instead of PGlite; `off` disables the trace. */
  trace: { databaseUrl?: string } | false;
  /** PGlite instances kept booted for the next traces (~150 MB each; 0: none); default one per concurrent review, capped by cores and memory. */
  warmTraces: number;
  githubBaseUrl?: string;
  /** GITHUB_RETRY_DELAY_MS: base of the back-off between retries of a 5xx answer (n² · this). */
  githubRetryDelayMs: number;
  anthropicApiKey: string | null;
  anthropicModel: string | null;
  /** ANTHROPIC_BASE_URL: a proxy or gateway in front of the Messages API, as the CLI honours it. */
  anthropicBaseUrl: string | null;
}

export function readSettings(env: Record<string, string | undefined>): AppSettings {
  const need = (name: string): string => {
    const value = env[name]?.trim();
    if (!value) throw new ConfigError(`${name} is not set (see .env.example)`, 'environment');
    return value;
  };
  const appId = Number(need('APP_ID'));
  if (!Number.isInteger(appId) || appId <= 0) throw new ConfigError(`APP_ID must be the app's numeric id, not "${env.APP_ID}"`, 'environment');
  const secret = need('WEBHOOK_SECRET');
  // Probot quietly uses "development" when the secret is missing: anyone could then send events.
  if (secret === 'development' || secret.length < 16)
    throw new ConfigError('WEBHOOK_SECRET must be the secret set on the GitHub App (16+ characters, not "development")', 'environment');
  let privateKey = env.PRIVATE_KEY?.trim();
  if (!privateKey && env.PRIVATE_KEY_PATH) privateKey = readFileSync(env.PRIVATE_KEY_PATH, 'utf8');
  if (!privateKey) throw new ConfigError('PRIVATE_KEY or PRIVATE_KEY_PATH is not set (see .env.example)', 'environment');
  if (!privateKey.includes('-----BEGIN')) privateKey = Buffer.from(privateKey, 'base64').toString('utf8');
  privateKey = privateKey.replace(/\\n/g, '\n');
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(privateKey))
    throw new ConfigError('PRIVATE_KEY is not a PEM private key (plain, \\n-escaped or base64)', 'environment');
  const level = (env.LOG_LEVEL ?? 'info') as AppSettings['logLevel'];
  const concurrency = Math.max(1, Number(env.REVIEW_CONCURRENCY ?? 2) || 2);
  return {
    appId,
    privateKey,
    webhookSecret: secret,
    webhookPath: env.WEBHOOK_PATH ?? '/api/github/webhooks',
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    logLevel: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'].includes(level) ? level : 'info',
    redisUrl: env.REDIS_URL?.trim() || null,
    redisPrefix: env.REDIS_PREFIX?.trim() || 'migration-review',
    concurrency,
    trace: env.TRACE === 'off' ? false : env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {},
    warmTraces: wholeNumber(env, 'TRACE_WARM_INSTANCES', warmInstancesFor(concurrency)),
    githubBaseUrl: env.GITHUB_API_URL,
    githubRetryDelayMs: wholeNumber(env, 'GITHUB_RETRY_DELAY_MS', 1000),
    anthropicApiKey: env.ANTHROPIC_API_KEY?.trim() || null,
    anthropicModel: env.ANTHROPIC_MODEL?.trim() || null,
    anthropicBaseUrl: env.ANTHROPIC_BASE_URL?.trim() || null,
  };
}

function wholeNumber(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const text = env[name]?.trim();
  if (!text) return fallback;
  if (!/^\d+$/.test(text)) throw new ConfigError(`${name} must be a whole number (0 or more), not "${env[name]}"`, 'environment');
  return Number(text);
}

export interface RunningApp {
  server: HttpServer;
  probot: Probot;
  queue: JobQueue;
  url: string;
  close(): Promise<void>;
}

/** Builds the Probot instance, queue and HTTP server; the base `Octokit` is overridable for tests. */
export async function startApp(settings: AppSettings, options: { Octokit?: typeof ProbotOctokit } = {}): Promise<RunningApp> {
  const probot = new Probot({
    appId: settings.appId,
    privateKey: settings.privateKey,
    secret: settings.webhookSecret,
    logLevel: settings.logLevel,
    ...(settings.githubBaseUrl ? { baseUrl: settings.githubBaseUrl } : {}),
    Octokit: appOctokit(options.Octokit ?? ProbotOctokit, { retryDelayMs: settings.githubRetryDelayMs }),
  });
  // Only the embedded engine boots ahead; a real PostgreSQL creates a database per trace.
  const warm = settings.trace && !settings.trace.databaseUrl && settings.warmTraces > 0 ? new WarmStarts({ max: settings.warmTraces }) : undefined;
  const deps = processDeps(settings, probot, warm);
  const onError = (error: unknown, job: ReviewJob): void => probot.log.error({ err: error, delivery: job.delivery }, 'review job crashed');
  const { queue, redis, firstDelivery } = reviewQueue(settings, async (job) => void (await processReview(job, deps)), onError);
  await probot.load(migrationReviewApp({ appId: settings.appId, queue, firstDelivery }));
  const middleware = await probot.getNodeMiddleware({ path: settings.webhookPath });
  const server = createServer(requestHandler(settings, middleware, queue));
  await new Promise<void>((resolve) => server.listen(settings.port, settings.host, resolve));
  const address = server.address();
  const url = typeof address === 'object' && address ? `http://${settings.host}:${address.port}` : `http://${settings.host}:${settings.port}`;
  probot.log.info({ url, webhookPath: settings.webhookPath, queue: redis ? 'redis' : 'in-process', version: VERSION }, 'migration-review app listening');
  return {
    server,
    probot,
    queue,
    url,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await queue.close();
      await redis?.quit();
      await warm?.close();
    },
  };
}

function processDeps(settings: AppSettings, probot: Probot, warm: WarmStarts | undefined): ProcessDeps {
  // Probot sets its logger up asynchronously: read it when a job logs, not now (it may be null yet).
  const log: ProcessDeps['log'] = {
    info: (...args: Parameters<ProcessDeps['log']['info']>) => probot.log.info(...args),
    warn: (...args: Parameters<ProcessDeps['log']['warn']>) => probot.log.warn(...args),
    error: (...args: Parameters<ProcessDeps['log']['error']>) => probot.log.error(...args),
  };
  return {
    appId: settings.appId,
    octokitFor: (installationId: number) => probot.auth(installationId) as Promise<Octokit>,
    log,
    trace: settings.trace === false ? false : { ...settings.trace, warm },
    llm: {
      apiKey: settings.anthropicApiKey ?? undefined,
      model: settings.anthropicModel ?? undefined,
      baseURL: settings.anthropicBaseUrl ?? undefined,
      log: (message: string, data?: Record<string, unknown>) => probot.log.info(data ?? {}, message),
    },
  };
}

/** In-process by default; with REDIS_URL one BullMQ queue and one delivery register for every replica. */
function reviewQueue(
  settings: AppSettings,
  process: (job: ReviewJob) => Promise<void>,
  onError: (error: unknown, job: ReviewJob) => void,
): { queue: JobQueue; redis: Redis | null; firstDelivery: (id: string) => Promise<boolean> } {
  if (!settings.redisUrl) return { queue: new InProcessQueue(process, settings.concurrency, onError), redis: null, firstDelivery: inProcessDeliveries() };
  const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
  const queue = new RedisQueue(redis, process, { concurrency: settings.concurrency, prefix: settings.redisPrefix, onError });
  // Shared by replicas: the first to see a delivery id claims it for a day.
  const firstDelivery = async (id: string): Promise<boolean> => (await redis.set(`${settings.redisPrefix}:delivery:${id}`, '1', 'EX', 86_400, 'NX')) === 'OK';
  return { queue, redis, firstDelivery };
}

type Middleware = Awaited<ReturnType<Probot['getNodeMiddleware']>>;

/** /healthz, then webhooks: the signature is checked here so a forged request gets 401 (Probot answers 400). */
function requestHandler(settings: AppSettings, middleware: Middleware, queue: JobQueue): (req: IncomingMessage, res: ServerResponse) => void {
  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  return (req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      void queue.stats().then(
        (stats) => json(res, 200, { status: 'ok', version: VERSION, queue: stats }),
        (error: unknown) => json(res, 503, { status: 'degraded', error: (error as Error).message }),
      );
      return;
    }
    const route = (): void =>
      void middleware(req, res).then((handled) => {
        if (!handled) {
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('not found\n');
        }
      });
    if (req.method !== 'POST' || req.url?.split('?')[0] !== settings.webhookPath) return route();
    void readBody(req).then(
      (body) => {
        if (!validSignature(body, req.headers['x-hub-signature-256'], settings.webhookSecret)) return json(res, 401, { error: 'signature does not match the payload and the webhook secret' });
        (req as IncomingMessage & { body?: string }).body = body.toString('utf8');
        route();
      },
      () => json(res, 413, { error: 'payload too large' }),
    );
  };
}

/** GitHub sends at most 25 MB per delivery. */
const MAX_BODY = 25 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function validSignature(body: Buffer, header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `npm start`: `.env` (if present) fills what the environment does not set. */
export async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const app = await startApp(readSettings(process.env));
  const stop = (): void => void app.close().finally(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
