import { describe, expect, it } from '@jest/globals';
import { discover, listRepoFiles, repoFiles } from '../../src/discover/index.js';
import { corpusAvailable, corpusRepo, makeRepo } from '../helpers.js';

async function found(root: string) {
  return discover(repoFiles(root, await listRepoFiles(root)));
}

const itCorpus = corpusAvailable ? it : it.skip;
if (!corpusAvailable) console.warn('skipping corpus layout tests: ../shared/corpus is absent');

describe('discovery from real layouts (../shared/corpus)', () => {
  itCorpus('golang-migrate: N_name.up.sql, implicit transaction, downs expected only where the project writes them', async () => {
    const { migrations } = await found(await corpusRepo('golang-migrate/goharbor__harbor', 'make/migrations/postgresql'));
    expect(migrations).toHaveLength(39);
    expect(new Set(migrations.map((m) => m.framework))).toEqual(new Set(['golang-migrate']));
    expect(migrations.every((m) => m.txMode === 'implicit' && !m.expectsDown)).toBe(true);
    expect(migrations.map((m) => m.order)).toEqual([...migrations.keys()]);
  });
  itCorpus('maragudk/migrate: pairs up/down (also _up/_down) and reads go.mod', async () => {
    const root = await corpusRepo('maragudk-migrate/harness__harness', 'app/store/database/migrate/postgres', { 'go.mod': 'module x\nrequire github.com/maragudk/migrate v0.4.3\n' });
    const { migrations, extras } = await found(root);
    expect(migrations.every((m) => m.framework === 'maragudk-migrate' && m.txMode === 'per-file')).toBe(true);
    expect(migrations.filter((m) => m.down).length).toBeGreaterThan(170);
    expect(migrations.length + migrations.filter((m) => m.down).length + extras.length).toBe(389);
  });
  itCorpus('goose: Up/Down sections, NO TRANSACTION, StatementBegin/End', async () => {
    const { migrations } = await found(await corpusRepo('goose/hatchet-dev__hatchet', 'migrations'));
    expect(migrations).toHaveLength(224);
    // 31 files say `-- +goose NO TRANSACTION`, 2 say it in lower case; goose annotations are case-insensitive.
    expect(migrations.filter((m) => m.txMode === 'none')).toHaveLength(33);
    expect(migrations.filter((m) => m.down).length).toBe(136);
    const withChunks = migrations.filter((m) => m.chunks && m.chunks.length > 1);
    expect(withChunks.length).toBeGreaterThan(50);
  });
  itCorpus('dbmate: migrate:up / migrate:down sections', async () => {
    const { migrations } = await found(await corpusRepo('dbmate/supabase__postgres', 'db'));
    expect(migrations).toHaveLength(34);
    expect(migrations.every((m) => m.framework === 'dbmate' && m.down !== null && m.txMode === 'per-file')).toBe(true);
  });
  itCorpus('Flyway: V and R scripts, repeatables after versioned', async () => {
    const { migrations } = await found(await corpusRepo('flyway/MarquezProject__marquez', 'db/migration'));
    expect(migrations).toHaveLength(84);
    const last = [...migrations].sort((a, b) => a.order - b.order).slice(-3);
    expect(last.every((m) => m.path.includes('/R__'))).toBe(true);
    const v2 = migrations.find((m) => /\/V2__/.test(m.path))!;
    const v10 = migrations.find((m) => /\/V10__/.test(m.path))!;
    expect(v2.order).toBeLessThan(v10.order);
  });
  itCorpus('Sqitch: plan order, revert scripts, verify scripts accounted for', async () => {
    const { migrations, extras } = await found(await corpusRepo('sqitch/chef__chef-server', 'src'));
    expect(migrations.every((m) => m.framework === 'sqitch' && m.txMode === 'none')).toBe(true);
    expect(migrations.length).toBe(80);
    expect(extras.filter((e) => e.role === 'verify').length).toBe(76);
    expect(migrations.filter((m) => m.down).length + extras.filter((e) => e.role === 'down').length).toBe(80);
  });
  itCorpus('Drizzle: journal order, all pending migrations in one transaction', async () => {
    const { migrations } = await found(await corpusRepo('drizzle/simstudioai__sim', 'packages/db/migrations'));
    expect(migrations).toHaveLength(299);
    expect(migrations.every((m) => m.framework === 'drizzle' && m.txMode === 'all-pending' && !m.down)).toBe(true);
  });
  itCorpus('Diesel: up/down folders, metadata.toml run_in_transaction = false', async () => {
    const { migrations } = await found(await corpusRepo('diesel/rust-lang__crates.io', 'migrations'));
    expect(migrations.length).toBe(285);
    expect(migrations.filter((m) => m.txMode === 'implicit')).toHaveLength(7);
    expect(migrations.every((m) => m.framework === 'diesel' && m.expectsDown)).toBe(true);
  });
  itCorpus('Prisma: <timestamp>_name/migration.sql, forward-only', async () => {
    const { migrations } = await found(await corpusRepo('prisma/langfuse__langfuse', 'prisma/migrations'));
    expect(migrations).toHaveLength(434);
    expect(migrations.every((m) => m.framework === 'prisma' && m.txMode === 'implicit' && !m.expectsDown)).toBe(true);
    // Applied in lexicographic folder order, as Prisma's listMigrations sorts them (found by the
    // lock trace: a numeric order replayed these two pairs backwards).
    const order = (name: string): number => migrations.find((m) => m.path.includes(`/${name}/`))!.order;
    expect(order('20240304123642_traces_view')).toBeLessThan(order('20240304123642_traces_view_improvement'));
    expect(order('20250409154352_add_dashboard_data_model')).toBeLessThan(order('20250625_add_pivot_table_charttype'));
  });
  itCorpus('Hasura: 13-digit ms timestamps, up.sql/down.sql', async () => {
    const { migrations } = await found(await corpusRepo('hasura/Lucy-Family-Institute__pace-admin', 'hasura/migrations'));
    expect(migrations).toHaveLength(156);
    expect(migrations.every((m) => m.framework === 'hasura')).toBe(true);
    expect(migrations.filter((m) => m.down).length).toBe(126);
  });
  itCorpus('sqlx: flat files next to a Cargo.toml', async () => {
    const { migrations } = await found(await corpusRepo('sqlx/atuinsh__atuin', 'crates/server/migrations', { 'Cargo.toml': '[package]\nname = "x"\n' }));
    expect(migrations).toHaveLength(20);
    expect(migrations.every((m) => m.framework === 'sqlx' && m.txMode === 'per-file')).toBe(true);
  });
  itCorpus('Supabase CLI: supabase/migrations', async () => {
    const { migrations } = await found(await corpusRepo('supabase/supabase__dbdev', 'supabase/migrations'));
    expect(migrations).toHaveLength(54);
    expect(migrations.every((m) => m.framework === 'supabase' && m.txMode === 'implicit')).toBe(true);
  });
});

describe('discovery details', () => {
  it('sqlx -- no-transaction and plain migrations folders', async () => {
    const rust = await makeRepo({ 'Cargo.toml': '', 'migrations/20240101000000_a.sql': '-- no-transaction\nCREATE INDEX CONCURRENTLY i ON t (a);\n' });
    expect((await found(rust)).migrations[0]).toMatchObject({ framework: 'sqlx', txMode: 'implicit' });
    const root = await makeRepo({ 'db/migrations/001_init.sql': 'CREATE TABLE t (a int);', 'docs/example.sql': 'SELECT 1;' });
    const { migrations } = await found(root);
    expect(migrations.find((m) => m.path === 'db/migrations/001_init.sql')).toMatchObject({ framework: 'plain', txMode: 'unknown' });
    expect(migrations.some((m) => m.path === 'docs/example.sql')).toBe(false);
  });
  it('goose sections keep file line numbers', async () => {
    const root = await makeRepo({ 'm/001_a.sql': '-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n-- +goose StatementEnd\n\n-- +goose Down\nSELECT 2;\n' });
    const [m] = (await found(root)).migrations;
    expect(m).toMatchObject({ framework: 'goose', upStartLine: 2, txMode: 'per-file' });
    expect(m!.down).toMatchObject({ path: 'm/001_a.sql', startLine: 7 });
  });
  it('dbmate transaction:false sends the section as one query', async () => {
    const root = await makeRepo({ 'db/migrations/20240101_a.sql': '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY i ON t (a);\n-- migrate:down\nDROP INDEX i;\n' });
    expect((await found(root)).migrations[0]).toMatchObject({ framework: 'dbmate', txMode: 'implicit', upStartLine: 2 });
  });
});
