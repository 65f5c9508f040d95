import { CATEGORIES, CATEGORY_NAMES, STATUS_RANK, type Finding, type Review, type Status } from '../core/types.js';
import { statusIn } from '../core/verdict.js';

/**
 * The view model every human-facing renderer shares: the seed's table (Category | Status | Issue
 * | Recommended Action), then the findings, then the verdict. Built once in TypeScript so the
 * templates stay flat.
 */
export interface CategoryRow {
  key: string;
  name: string;
  status: Status;
  issue: string;
  action: string;
  /** The finding the row leads with (a BLOCK before a FLAG), and how many more it stands for. */
  lead: Finding | null;
  more: number;
}

export interface FindingView extends Finding {
  location: string;
}

export interface ReviewView {
  verdict: string;
  verdictLabel: string;
  justification: string;
  rows: CategoryRow[];
  open: FindingView[];
  acknowledged: FindingView[];
  fileCount: number;
  skipped: string[];
  /** "Sizes from database stats of 2026-11-28 (…)", when a statistics file was read. */
  sizesFrom: string | null;
  /** The statistics file is older than stats.maxAgeDays. */
  staleStats: string | null;
}

export const VERDICT_LABELS = { SAFE_TO_SHIP: 'SAFE TO SHIP', SAFE_WITH_MODIFICATIONS: 'SAFE WITH MODIFICATIONS', BLOCK: 'BLOCK' } as const;

/** ` (+2 more)` when a row stands for more findings than its lead. */
export const moreNote = (more: number): string => (more > 0 ? ` (+${more} more)` : '');

function summarize(findings: Finding[]): Pick<CategoryRow, 'issue' | 'action' | 'lead' | 'more'> {
  if (findings.length === 0) return { issue: '—', action: '—', lead: null, more: 0 };
  const first = findings[0]!;
  const more = findings.length - 1;
  const sentence = (text: string): string => text.match(/^(.+?[.!?])(\s|$)/)?.[1] ?? text;
  return { issue: `${first.file}:${first.line} ${sentence(first.message)}${moreNote(more)}`, action: sentence(first.recommendation), lead: first, more };
}

export function buildView(review: Review): ReviewView {
  const open = review.findings.filter((f) => !f.acknowledged);
  const rows = CATEGORIES.map((key) => {
    const inCategory = open.filter((f) => f.categories.includes(key)).sort((a, b) => STATUS_RANK[statusIn(b, key)] - STATUS_RANK[statusIn(a, key)]);
    return { key, name: CATEGORY_NAMES[key], status: review.categories[key], ...summarize(inCategory) };
  });
  const view = (f: Finding): FindingView => ({ ...f, location: `${f.file}:${f.line}` });
  return {
    verdict: review.verdict,
    verdictLabel: VERDICT_LABELS[review.verdict],
    justification: review.justification,
    rows,
    open: open.map(view),
    acknowledged: review.findings.filter((f) => f.acknowledged).map(view),
    fileCount: review.files.length,
    skipped: review.skipped ?? [],
    ...statsLines(review),
  };
}

/** Where the sizes came from, and whether they are old enough to distrust. */
function statsLines(review: Review): Pick<ReviewView, 'sizesFrom' | 'staleStats'> {
  const stats = review.stats;
  if (!stats) return { sizesFrom: null, staleStats: null };
  const day = stats.collectedAt.slice(0, 10);
  const sizesFrom = `Sizes from database stats of ${day} (${stats.file}, ${stats.tables} table${stats.tables === 1 ? '' : 's'}); \`tables:\` in the config wins where it names a table.`;
  const staleStats =
    stats.ageDays > stats.maxAgeDays
      ? `The database stats are ${stats.ageDays} days old (stats.maxAgeDays is ${stats.maxAgeDays}): sizes, write rates and index usage may have moved since — run \`migration-review stats\` again.`
      : null;
  return { sizesFrom, staleStats };
}
