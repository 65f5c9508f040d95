import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { Review } from '../core/types.js';
import { buildMarkdownView } from './markdown-view.js';
import { traceMarkdown, type TraceReport } from './trace.js';

/** GitHub comment bodies are limited to 65,536 characters; stay clear of it. */
export const COMMENT_LIMIT = 65_000;

// No escaping here: every field of the view model is already escaped for where it lands
// (src/render/markdown-view.ts), and HTML-escaping it again would show entities as text.
const hbs = Handlebars.create();
const template = hbs.compile(readFileSync(new URL('./templates/comment.hbs', import.meta.url), 'utf8'), { noEscape: true, strict: false });

const ICONS = { PASS: '✅', FLAG: '⚠️', BLOCK: '⛔' } as const;
const VERDICT_ICONS = { SAFE_TO_SHIP: '✅', SAFE_WITH_MODIFICATIONS: '⚠️', BLOCK: '⛔' } as const;

/** The PR comment body the app posts (and `check --format markdown` prints). */
export function renderMarkdown(review: Review & { trace?: TraceReport; runbook?: string }, options: { docsBaseUrl?: string } = {}): string {
  const view = buildMarkdownView(review, options.docsBaseUrl ?? '');
  const model = {
    ...view,
    verdictIcon: VERDICT_ICONS[review.verdict],
    rows: view.rows.map((r) => ({ ...r, statusIcon: ICONS[r.status] })),
  };
  const trace = review.trace ? traceMarkdown(review.trace) : '';
  const runbook = review.runbook ?? '';
  let body = template({ ...model, trace, runbook });
  // Too long: the runbook goes first (the CLI prints it in full), then the trace.
  if (body.length > COMMENT_LIMIT) body = template({ ...model, trace, runbook: '' });
  if (body.length > COMMENT_LIMIT) body = template({ ...model, trace: '', runbook: '' });
  if (body.length > COMMENT_LIMIT) {
    // Too long for one comment: keep the table and verdict, list findings one line each.
    body = template({ ...model, open: [], acknowledged: [] });
    const lines = view.open.map((f) => `- **${f.status}** ${f.locationCode} ${f.rule}`);
    let list = '';
    for (const line of lines) {
      if (body.length + list.length + line.length + 200 > COMMENT_LIMIT) {
        list += `- … and ${lines.length - list.split('\n').length + 1} more (run \`npx migration-review check\` locally for all)\n`;
        break;
      }
      list += `${line}\n`;
    }
    body += `\n### Findings (summary)\n\n${list}`;
  }
  return body;
}
