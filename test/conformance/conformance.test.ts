/**
 * The conformance ratchet: every case is well-formed, and no measured number (verdict accuracy,
 * case pass rate, per-category recall and false alarms, false positives on safe PRs) is worse
 * than test/conformance/baseline.json. The numbers may only improve; after an improvement, record
 * it with `npm run conformance -- --write-baseline` (CONFORMANCE_TRACE=0 for the static baseline).
 *
 * Runs the CLI over every case, 2 at a time. Mode: static rules (--no-trace) unless
 * CONFORMANCE_TRACE=1, each compared with its own baseline.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BASELINE_PATH,
  CATEGORY_KEYS,
  failureLine,
  casePassed,
  loadCases,
  regressions,
  runCases,
  score,
  type Baseline,
} from '../../scripts/conformance.js';

const cases = loadCases();

describe('conformance cases are well-formed', () => {
  test('at least 200 cases across at least 8 frameworks', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(new Set(cases.map((c) => c.spec.framework)).size).toBeGreaterThanOrEqual(8);
  });

  test.each(cases.map((c) => [c.id, c] as const))('%s', (_id, item) => {
    // The zod schema (loadCases) already rejects a missing category key, an unknown key or a
    // verdict that is not the worst category; here: the files and the folder agree with it.
    expect(Object.keys(item.spec.expect.categories).sort()).toEqual([...CATEGORY_KEYS].sort());
    expect(item.id.split('/')[0]).toBe(item.spec.framework);
    expect(existsSync(join(item.dir, 'repo'))).toBe(true);
    for (const path of item.spec.change) expect({ path, exists: existsSync(join(item.dir, 'repo', path)) }).toEqual({ path, exists: true });
  });
});

describe('conformance ratchet', () => {
  const mode = process.env.CONFORMANCE_TRACE === '1' ? 'trace' : 'static';
  const baseline = (existsSync(BASELINE_PATH) ? JSON.parse(readFileSync(BASELINE_PATH, 'utf8')) : {}) as Baseline;
  const before = baseline[mode];

  test(`no number worse than the ${mode} baseline`, async () => {
    if (!before) {
      console.warn(`conformance ratchet skipped: no "${mode}" entry in test/conformance/baseline.json`);
      return;
    }
    const results = await runCases(cases, { concurrency: 2, trace: mode === 'trace' });
    const now = score(results);
    // Issue #16's bar, whatever the baseline says: verdicts right, every BLOCK-worthy risk a BLOCK,
    // and safe pull requests left alone.
    const bar = [
      ...(now.verdictAccuracy.hit < 0.98 * now.verdictAccuracy.of ? [`verdict accuracy ${now.verdictAccuracy.hit}/${now.verdictAccuracy.of} (goal ≥ 98%)`] : []),
      ...(now.safeFalsePositiveRate.hit > 0.02 * now.safeFalsePositiveRate.of ? [`false positives on safe PRs ${now.safeFalsePositiveRate.hit}/${now.safeFalsePositiveRate.of} (goal ≤ 2%)`] : []),
      ...CATEGORY_KEYS.filter((c) => now.categories[c].blockRecall.of > 0 && now.categories[c].blockRecall.hit < now.categories[c].blockRecall.of).map(
        (c) => `${c} BLOCK recall ${now.categories[c].blockRecall.hit}/${now.categories[c].blockRecall.of} (goal: all)`,
      ),
    ];
    const worse = [...bar, ...regressions(now, before)];
    if (worse.length) {
      const failing = results.filter((r) => !casePassed(r)).map(failureLine);
      console.error(`conformance regressions:\n  ${worse.join('\n  ')}\n\nfailing cases:\n  ${failing.join('\n  ')}`);
    }
    expect(worse).toEqual([]);
  }, 60 * 60 * 1000);
});
