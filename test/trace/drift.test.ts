import { describe, expect, it } from '@jest/globals';
import { TEST_CACHE_DIR } from '../rule-tester.js';
import { detectDrift, driftMarkdown } from '../../src/trace/drift.js';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, throwawayDatabase } from '../helpers.js';
import { discovered } from './helpers.js';

/**
 * Drift against the local PostgreSQL 15: a database migrated exactly as the repository says has
 * none; hand-made changes (a column added, an index dropped, a default changed) are named.
 */
const files = {
  'db/migrations/000001_init.up.sql': "CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL DEFAULT 'new', total numeric(10,2));\nCREATE INDEX idx_orders_status ON orders (status);",
  'db/migrations/000002_items.up.sql': 'CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id), sku text);\nCREATE TYPE item_state AS ENUM (\'open\', \'shipped\');',
};
// As a runner would leave it: every migration applied, plus the runner's bookkeeping.
const { url: target, run } = throwawayDatabase('mr_drift', `${Object.values(files).join(';\n')};\nCREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL);\nINSERT INTO schema_migrations VALUES (2, false);`);

describe('drift', () => {
  it('none when the database is exactly what the migrations build', async () => {
    const { discovery } = await discovered(files, []);
    const report = await detectDrift(discovery, target, { cacheDir: TEST_CACHE_DIR });
    expect(report).toMatchObject({ drift: false, missing: [], extra: [], migrations: 2 });
  });
  it('names what was changed by hand, both ways', async () => {
    await run("ALTER TABLE orders ADD COLUMN hotfix_note text; DROP INDEX idx_orders_status; ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'pending'; CREATE INDEX idx_items_sku ON order_items (sku)");
    const { discovery } = await discovered(files, []);
    const report = await detectDrift(discovery, target, { cacheDir: TEST_CACHE_DIR });
    expect(report.drift).toBe(true);
    expect(report.missing).toEqual(["column orders.status text NOT NULL DEFAULT 'new'::text", 'index CREATE INDEX idx_orders_status ON public.orders USING btree (status)']);
    expect(report.extra).toEqual(['column orders.hotfix_note text', "column orders.status text NOT NULL DEFAULT 'pending'::text", 'index CREATE INDEX idx_items_sku ON public.order_items USING btree (sku)']);
    expect(driftMarkdown(report)).toContain('### In the database, in no migration (3)');
  });
});

describe('drift on a branch ahead of the database', () => {
  const branch = { ...files, 'db/migrations/000003_notes.up.sql': 'ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX idx_orders_note ON orders (note);' };
  const golang = throwawayDatabase('mr_drift_gm', `${Object.values(files).join(';\n')};\nCREATE TABLE schema_migrations (version bigint PRIMARY KEY, dirty boolean NOT NULL);\nINSERT INTO schema_migrations VALUES (2, false);`);
  const dbmateDb = throwawayDatabase('mr_drift_dbmate', `${files['db/migrations/000001_init.up.sql']};\nCREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);\nINSERT INTO schema_migrations VALUES ('20240101000001');`);
  it("golang-migrate: a migration past schema_migrations' version is pending, not drift", async () => {
    const { url } = golang;
    const { discovery } = await discovered(branch, []);
    const report = await detectDrift(discovery, url, { cacheDir: TEST_CACHE_DIR });
    expect(report).toMatchObject({ drift: false, missing: [], extra: [], pending: ['db/migrations/000003_notes.up.sql'], appliedFrom: 'schema_migrations (golang-migrate)' });
  });
  const flywayDb = throwawayDatabase(
    'mr_drift_flyway',
    `${files['db/migrations/000001_init.up.sql']};\nCREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version varchar(50), description varchar(200), script varchar(1000), success boolean NOT NULL);\nINSERT INTO flyway_schema_history VALUES (1, '1.1', 'init', 'V1_1__init.sql', true), (2, '2', 'notes', 'V2__notes.sql', false);`,
  );
  it('Flyway: a version that failed or never ran is pending (V1_1 is recorded as "1.1")', async () => {
    const flyway = {
      'src/main/resources/db/migration/V1_1__init.sql': files['db/migrations/000001_init.up.sql'],
      'src/main/resources/db/migration/V2__notes.sql': 'ALTER TABLE orders ADD COLUMN note text;',
    };
    const { discovery } = await discovered(flyway, []);
    const report = await detectDrift(discovery, flywayDb.url, { cacheDir: TEST_CACHE_DIR });
    expect(report).toMatchObject({ drift: false, pending: ['src/main/resources/db/migration/V2__notes.sql'], appliedFrom: 'flyway_schema_history (Flyway)' });
  });
  it('dbmate: versions missing from schema_migrations are pending', async () => {
    const dbmate = {
      'db/migrations/20240101000001_init.sql': `-- migrate:up\n${files['db/migrations/000001_init.up.sql']}\n-- migrate:down\nDROP TABLE orders;`,
      'db/migrations/20240101000002_notes.sql': '-- migrate:up\nALTER TABLE orders ADD COLUMN note text;\n-- migrate:down\nALTER TABLE orders DROP COLUMN note;',
    };
    const { url } = dbmateDb;
    const { discovery } = await discovered(dbmate, []);
    const report = await detectDrift(discovery, url, { cacheDir: TEST_CACHE_DIR });
    expect(report).toMatchObject({ drift: false, pending: ['db/migrations/20240101000002_notes.sql'], appliedFrom: 'schema_migrations (dbmate)' });
  });
});

describe('migration-review drift (the command)', () => {
  it('exits 1 on drift with JSON on stdout, 2 without a database', async () => {
    const { root } = await discovered(files, []);
    const run = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
      try {
        const { stdout, stderr } = await promisify(execFile)('node', [join(REPO_ROOT, 'bin', 'migration-review.js'), ...args], { env: { ...process.env, DATABASE_URL: '' } });
        return { code: 0, stdout, stderr };
      } catch (error) {
        return error as { code: number; stdout: string; stderr: string };
      }
    };
    const drift = await run(['drift', '--root', root, '--database-url', target, '--format', 'json']);
    expect(drift.code).toBe(1);
    expect(JSON.parse(drift.stdout)).toMatchObject({ drift: true, migrations: 2 });
    const missing = await run(['drift', '--root', root]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('drift needs a database');
  });
});

