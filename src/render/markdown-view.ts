import type { Finding, Review } from '../core/types.js';
import { patternPath } from '../patterns/library.js';
import { docsPath } from '../rules/define.js';
import { codeBlock, codeSpan, firstSentence, htmlText, inlineMarkdown, linkDestination, markdownText, tableCell } from './escape.js';
import { messageMarkdown, recommendationMarkdown } from './message.js';
import { buildView, moreNote, type CategoryRow, VERDICT_LABELS } from './view.js';

/**
 * The view model of the Markdown renderers (the PR comment, the check run): every field that
 * holds text from the pull request is already escaped for the place the template puts it, so the
 * templates only concatenate. Fields say their context: `…Html` goes inside raw HTML, `…Code` is
 * a complete code span, `…Block` a complete fenced block, `…Link` a link destination; the rest is
 * inline Markdown.
 */
export interface MarkdownRow {
  name: string;
  status: CategoryRow['status'];
  /** Table cells, pipes and line breaks escaped. */
  issue: string;
  action: string;
}

export interface MarkdownFinding {
  rule: string;
  status: Finding['status'];
  isBlock: boolean;
  locationHtml: string;
  locationCode: string;
  excerptBlock: string | null;
  message: string;
  recommendation: string;
  evidence: string | null;
  pattern: string | null;
  patternLink: string | null;
  docsLink: string;
  /** The acknowledgement's reason, as text. */
  reason: string | null;
}

export interface MarkdownView {
  verdictLabel: string;
  justification: string;
  rows: MarkdownRow[];
  open: MarkdownFinding[];
  acknowledged: MarkdownFinding[];
  fileCount: number;
  skipped: string[];
  sizesFrom: string | null;
  staleStats: string | null;
}

const location = (f: Finding): string => `${f.file}:${f.line}`;

function row(r: CategoryRow): MarkdownRow {
  if (!r.lead) return { name: r.name, status: r.status, issue: tableCell(r.issue), action: tableCell(r.action) };
  const issue = `${markdownText(location(r.lead))} ${firstSentence(messageMarkdown(r.lead))}${moreNote(r.more)}`;
  return { name: r.name, status: r.status, issue: tableCell(issue), action: tableCell(firstSentence(recommendationMarkdown(r.lead))) };
}

function finding(f: Finding, docsBase: string): MarkdownFinding {
  return {
    // Rule ids are ours (Claude's findings are all `claude-review`), safe in HTML and Markdown alike.
    rule: f.rule,
    status: f.status,
    isBlock: f.status === 'BLOCK',
    locationHtml: htmlText(location(f)),
    locationCode: codeSpan(location(f)),
    excerptBlock: f.excerpt ? codeBlock(f.excerpt, 'sql') : null,
    message: messageMarkdown(f),
    recommendation: recommendationMarkdown(f),
    evidence: f.evidence ? inlineMarkdown(f.evidence) : null,
    pattern: f.pattern ? markdownText(f.pattern) : null,
    patternLink: f.pattern ? linkDestination(`${docsBase}${patternPath(f.pattern)}`) : null,
    docsLink: linkDestination(`${docsBase}${docsPath(f.rule)}`),
    reason: f.acknowledged ? markdownText(f.acknowledged.reason) : null,
  };
}

export function buildMarkdownView(review: Review, docsBase = ''): MarkdownView {
  const view = buildView(review);
  return {
    verdictLabel: VERDICT_LABELS[review.verdict],
    justification: inlineMarkdown(review.justification),
    rows: view.rows.map(row),
    open: view.open.map((f) => finding(f, docsBase)),
    acknowledged: view.acknowledged.map((f) => finding(f, docsBase)),
    fileCount: view.fileCount,
    skipped: view.skipped.map(inlineMarkdown),
    sizesFrom: view.sizesFrom ? inlineMarkdown(view.sizesFrom) : null,
    staleStats: view.staleStats ? inlineMarkdown(view.staleStats) : null,
  };
}
