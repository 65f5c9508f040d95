import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { runCheck } from '../../src/cli/check.js';
import { main } from '../../src/cli/main.js';
import { StatsFileError } from '../../src/core/errors.js';
import type { Review } from '../../src/core/types.js';
import { localSource } from '../../src/repo/local-source.js';
import { prepareChange } from '../../src/review/pipeline.js';
import { parseStatsFile } from '../../src/stats/load.js';
import type { StatsFile } from '../../src/stats/schema.js';
import { REPO_ROOT } from '../helpers.js';

/**
 * The review with sizes from the database statistics file instead of `tables:`: the example
 * repository's three incidents come out as they do with the hand-written sizes, an index the
 * database never scans can be dropped, and a bad file is an error that names file and path.
 */
const SHOP = join(REPO_ROOT, 'examples', 'shop');
const STATS_PATH = '.github/migration-review-stats.json';
const DAY = 86_400_000;

/** What `stats` would write for the example's production: the sizes its config lists by hand. */
function shopStats(collectedAt: Date, statusScans: number): StatsFile {
  const table = (rows: number, writesPerSecond: number) => ({
    rows,
    totalBytes: rows * 300,
    heapBytes: rows * 200,
    liveTuples: rows,
    deadTuples: 0,
    writesPerSecond,
  });
  return {
    schemaVersion: 1,
    collectedAt: collectedAt.toISOString(),
    servers: [{ role: 'primary', postgres: 15, countingSince: new Date(collectedAt.getTime() - 10 * DAY).toISOString() }],
    sampleSeconds: 10,
    tables: {
      'public.orders': table(80_000_000, 300),
      'public.order_items': table(240_000_000, 40),
      'public.legacy_records': table(23_000_000, 0),
      'public.tenants': table(1200, 0),
    },
    indexes: {
      'public.idx_orders_status': { table: 'public.orders', idxScan: statusScans, bytes: 1_800_000_000, unique: false },
      'public.idx_orders_tenant_id': { table: 'public.orders', idxScan: 9_000_000, bytes: 1_700_000_000, unique: false },
    },
  };
}

const DROP_STATUS_INDEX = 'db/migrations/000005_drop_orders_status_index.up.sql';

/** The example repository, with `config` instead of its own and, when given, a statistics file. */
async function shopWith(config: string | null, stats: StatsFile | string | null): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'mr-stats-'));
  await cp(SHOP, root, { recursive: true });
  if (config !== null) await writeFile(join(root, '.github/migration-review.yml'), config);
  if (stats !== null) await writeFile(join(root, STATS_PATH), typeof stats === 'string' ? stats : JSON.stringify(stats, null, 2));
  await writeFile(join(root, DROP_STATUS_INDEX), 'DROP INDEX CONCURRENTLY idx_orders_status;\n');
  await writeFile(join(root, DROP_STATUS_INDEX.replace('.up.', '.down.')), 'CREATE INDEX CONCURRENTLY idx_orders_status ON orders (status);\n');
  roots.push(root);
  return root;
}
const roots: string[] = [];
afterAll(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

const check = (root: string, file: string, format: 'json' | 'text' = 'json') =>
  runCheck({ paths: [join(root, file)], root, format, failOn: 'block', color: false, trace: false });
const statuses = (review: Review): string[] => review.findings.map((f) => `${f.rule}:${f.status}`).sort();

describe('the example repository with sizes from the statistics file only', () => {
  let handWritten: string;
  let fromStats: string;
  beforeAll(async () => {
    handWritten = await shopWith(null, null);
    // No `tables:`, no `postgres:`: everything size-dependent comes from the file.
    fromStats = await shopWith('# sizes: .github/migration-review-stats.json (migration-review stats, daily)\n', shopStats(new Date(Date.now() - 2 * DAY), 0));
  });

  it.each([
    ['000002_orders_status_index.up.sql', 'BLOCK', 'create-index-non-concurrently:BLOCK'],
    // The cascade is the incident's FLAG; validating the FK over 240M rows under lock is a BLOCK either way.
    ['000003_order_items_fk.up.sql', 'BLOCK', 'on-delete-cascade:FLAG'],
    ['000004_backfill_tenant.up.sql', 'BLOCK', 'unbatched-backfill:BLOCK'],
  ])('%s: %s, with the same findings as with hand-written sizes', async (name, verdict, finding) => {
    const file = `db/migrations/${name}`;
    const [stats, config] = await Promise.all([check(fromStats, file), check(handWritten, file)]);
    expect(stats.review.verdict).toBe(verdict);
    expect(statuses(stats.review)).toContain(finding);
    expect(statuses(stats.review)).toEqual(statuses(config.review));
    expect(stats.review.postgres).toBe(15);
    expect(stats.review.stats).toMatchObject({ file: STATS_PATH, tables: 4, ageDays: 2 });
  });

  it('names the 80M rows and the queued writes it measured, and says where the sizes came from', async () => {
    const { review, output } = await check(fromStats, 'db/migrations/000002_orders_status_index.up.sql', 'text');
    expect(review.findings.find((f) => f.rule === 'create-index-non-concurrently')!.message).toMatch(/orders \(80M rows\).*~25 min.*300\/s/);
    const day = new Date(Date.now() - 2 * DAY).toISOString().slice(0, 10);
    expect(output).toContain(`Sizes from database stats of ${day} (${STATS_PATH}, 4 tables)`);
    expect(output).not.toMatch(/warning: The database stats are/);
  });

  it('drops an index the database never scanned in 10 days without a finding; the code alone would BLOCK it', async () => {
    const unused = await check(fromStats, DROP_STATUS_INDEX);
    expect(unused.review.findings).toEqual([]);
    expect(unused.review.verdict).toBe('SAFE_TO_SHIP');
    const codeOnly = await check(handWritten, DROP_STATUS_INDEX);
    expect(codeOnly.review.findings.find((f) => f.rule === 'drop-index-used-by-code')).toMatchObject({ status: 'BLOCK' });
  });

  it('does not take zero scans from a stale file as proof: the code decides again', async () => {
    const stale = await shopWith('{}\n', shopStats(new Date(Date.now() - 45 * DAY), 0));
    const { review } = await check(stale, DROP_STATUS_INDEX);
    expect(review.findings.find((f) => f.rule === 'drop-index-used-by-code')).toMatchObject({ status: 'BLOCK' });
  });

  it('blocks dropping an index scanned heavily, naming the count', async () => {
    const busy = await shopWith('{}\n', shopStats(new Date(Date.now() - DAY), 5_000_000));
    const { review } = await check(busy, DROP_STATUS_INDEX);
    expect(review.findings.find((f) => f.rule === 'drop-index-used-by-code')).toMatchObject({
      status: 'BLOCK',
      message: expect.stringContaining('scanned 5,000,000 times in the 10 days before'),
    });
  });

  it('lets explicit tables: entries win over the file', async () => {
    const small = await shopWith('tables:\n  orders: { rows: 5000 }\n', shopStats(new Date(), 0));
    const { review } = await check(small, 'db/migrations/000002_orders_status_index.up.sql');
    expect(review.findings.find((f) => f.rule === 'create-index-non-concurrently')).toBeUndefined();
    expect(review.stats?.tables).toBe(3);
  });

  it('warns when the file is older than stats.maxAgeDays', async () => {
    const old = await shopWith('stats:\n  maxAgeDays: 7\n', shopStats(new Date(Date.now() - 45 * DAY), 0));
    const { output } = await check(old, 'db/migrations/000002_orders_status_index.up.sql', 'text');
    expect(output).toContain('warning: The database stats are 45 days old (stats.maxAgeDays is 7)');
    const markdown = await runCheck({
      paths: [join(old, 'db/migrations/000002_orders_status_index.up.sql')],
      root: old,
      format: 'markdown',
      failOn: 'block',
      color: false,
      trace: false,
    });
    expect(markdown.output).toContain('> ⚠️ The database stats are 45 days old');
  });
});

describe('a statistics file that is not what stats writes', () => {
  it('is an error naming the file and the JSON path', () => {
    const bad = JSON.stringify({ ...shopStats(new Date(), 0), tables: { 'public.orders': { rows: '80M' } } });
    expect(() => parseStatsFile(bad, STATS_PATH)).toThrow(StatsFileError);
    expect(() => parseStatsFile(bad, STATS_PATH)).toThrow(/^\$\.tables\["public\.orders"\]\.rows: expected number, received string$/);
    expect(() => parseStatsFile('{"schemaVersion": 1,\n  "tables": {,}}', STATS_PATH)).toThrow(/^not JSON/);
    expect(() => parseStatsFile(JSON.stringify({ ...shopStats(new Date(), 0), schemaVersion: 2 }), STATS_PATH)).toThrow(/\$\.schemaVersion: 2 is newer/);
    expect(() => parseStatsFile(JSON.stringify({ ...shopStats(new Date(), 0), rows: [{ email: 'a@b.c' }] }), STATS_PATH)).toThrow(
      /^\$\.rows: unknown key "rows"$/,
    );
  });

  it('exits 2 in the CLI with file and path on stderr', async () => {
    const root = await shopWith(null, '{"schemaVersion": 1, "collectedAt": "yesterday"}');
    const stderr: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
    try {
      expect(await main(['check', join(root, 'db/migrations/000002_orders_status_index.up.sql'), '--root', root, '--no-trace'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(stderr.join('')).toMatch(/^migration-review: \.github\/migration-review-stats\.json: \$\.collectedAt: /);
  });

  it('is one note where the adapter asks for notes (the app), and the review goes on with the config', async () => {
    const root = await shopWith(null, '[]');
    const prepared = await prepareChange(await localSource({ paths: [join(root, 'db/migrations/000002_orders_status_index.up.sql')], root }), {
      badStats: 'note',
    });
    expect(prepared.notes).toEqual([
      expect.stringMatching(
        /^database statistics: \.github\/migration-review-stats\.json: \$: expected object, received array — sizes come from the config alone$/,
      ),
    ]);
    expect(prepared.config.tables.get('orders')?.rows).toBe(80_000_000);
  });
});
