import { describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../../src/config/schema.js';
import { review } from '../../src/review/analyze.js';
import { preparedOf, reviewDeterministic } from '../../src/review/pipeline.js';
import { discover, listRepoFiles, repoFiles } from '../../src/discover/index.js';
import { CORPUS, corpusAvailable } from '../helpers.js';

/**
 * Robustness over 3,491 real migration files from 14 projects: no crash, and every SQL file is
 * accounted for (reviewed as a migration, as its down/revert/verify script, or reported as a
 * syntax error at its line).
 */
const run = corpusAvailable ? describe : describe.skip;
if (!corpusAvailable) console.warn('skipping the corpus sweep: ../shared/corpus is absent');

run('corpus sweep', () => {
  it('reviews every file without crashing and accounts for each one', async () => {
    const paths = (await listRepoFiles(CORPUS)).filter((p) => !p.startsWith('LICENSES/'));
    const sql = paths.filter((p) => p.endsWith('.sql'));
    expect(sql).toHaveLength(3491);
    const discovery = await discover(repoFiles(CORPUS, paths), { explicit: sql });
    const result = await review({ discovery, change: null, config: resolveConfig({}) });

    const accounted = new Set<string>();
    for (const m of discovery.migrations) {
      accounted.add(m.path);
      if (m.down) accounted.add(m.down.path);
    }
    for (const e of discovery.extras) accounted.add(e.path);
    expect(sql.filter((p) => !accounted.has(p))).toEqual([]);

    const reviewed = new Set(result.files.map((f) => f.path));
    for (const m of discovery.migrations) expect(reviewed.has(m.path)).toBe(true);

    // The files the manifest lists as invalid PostgreSQL are reported at a line, not skipped.
    const syntax = result.findings.filter((f) => f.rule === 'syntax-error');
    const files = new Set(syntax.map((f) => f.file));
    expect(files.has('diesel/rust-lang__crates.io/20170318181441_downloads_need_no_id/down.sql')).toBe(true);
    expect(files.has('maragudk-migrate/harness__harness/0029_create_index_job_job_group_id_down.sql')).toBe(true);
    // goose splits on its own annotations, so the missing `;` before StatementEnd is fine there.
    expect(files.has('goose/hatchet-dev__hatchet/20250519145912_v1_0_21.sql')).toBe(false);
    expect(syntax.every((f) => f.line >= 1)).toBe(true);
    expect(result.findings.every((f) => f.message.length > 0 && f.recommendation.length > 0)).toBe(true);
  });
});

run('corpus: the lock trace on real, merged migrations', () => {
  // These migrations ran in production: a trace that says one of them fails would be crying wolf.
  const projects = ['goose/hatchet-dev__hatchet', 'prisma/triggerdotdev__trigger.dev', 'golang-migrate/goharbor__harbor', 'flyway/MarquezProject__marquez', 'dbmate/supabase__postgres'];
  it.each(projects)('%s: the last three migrations trace without a failure or a stop', async (project) => {
    const { TEST_CACHE_DIR } = await import('../rule-tester.js');
    const paths = (await listRepoFiles(CORPUS)).filter((p) => p.startsWith(`${project}/`));
    const discovery = await discover(repoFiles(CORPUS, paths), {});
    const change = new Set(discovery.migrations.sort((a, b) => a.order - b.order).slice(-3).map((m) => m.path));
    const config = resolveConfig({});
    const traced = (await reviewDeterministic(preparedOf({ discovery, change, config }), { trace: true, traceOptions: { cacheDir: TEST_CACHE_DIR } })).review;
    expect(traced.trace!.stopped).toBeUndefined();
    expect(traced.trace!.files).toHaveLength(3);
    expect(traced.findings.filter((f) => f.rule === 'migration-fails-traced' || f.rule === 'rollback-does-not-restore').map((f) => `${f.file}:${f.line} ${f.message}`)).toEqual([]);
  });
});
