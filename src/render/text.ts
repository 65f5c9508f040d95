import type { Review } from '../core/types.js';
import { visibleControls } from './escape.js';
import { traceText, type TraceReport } from './trace.js';
import { buildView } from './view.js';

/**
 * Terminal output: the seed's table, each finding with file:line and the fix, then the verdict.
 * Text from the pull request goes through `visibleControls` (as `t`): a name holding an escape
 * sequence or a line break cannot recolour, move the cursor or print a fake verdict line.
 */
export function renderText(review: Review & { trace?: TraceReport }, options: { color?: boolean } = {}): string {
  const view = buildView(review);
  const t = (text: string): string => visibleControls(text);
  const paint = (code: string, text: string): string => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const statusColor = { PASS: '32', FLAG: '33', BLOCK: '31' } as const;
  const width = (rows: string[][], col: number): number => Math.max(...rows.map((r) => r[col]!.length));
  const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
  const table = [
    ['Category', 'Status', 'Issue', 'Recommended Action'],
    ...view.rows.map((r) => [r.name, r.status, clip(t(r.issue), 70), clip(t(r.action), 60)]),
  ];
  const widths = [0, 1, 2, 3].map((c) => width(table, c));
  const line = (cells: string[], header = false): string =>
    `| ${cells.map((cell, i) => (i === 1 && !header ? paint(statusColor[cell as keyof typeof statusColor], cell.padEnd(widths[i]!)) : cell.padEnd(widths[i]!))).join(' | ')} |`;
  const out: string[] = [];
  out.push(line(table[0]!, true));
  out.push(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of table.slice(1)) out.push(line(row));
  out.push('');
  if (view.open.length) {
    out.push(`Findings (${view.open.length}):`);
    for (const f of view.open) {
      out.push(`  ${paint(statusColor[f.status], f.status)} ${t(f.location)}  [${f.rule}]`);
      out.push(`    ${t(f.message)}`);
      if (f.evidence) out.push(`    ${paint('2', `(trace: ${t(f.evidence)})`)}`);
      out.push(`    Fix: ${t(f.recommendation)}`);
    }
    out.push('');
  }
  if (view.acknowledged.length) {
    out.push(`Acknowledged (${view.acknowledged.length}):`);
    for (const f of view.acknowledged) out.push(`  ${t(f.location)}  [${f.rule}] — "${t(f.acknowledged!.reason)}"`);
    out.push('');
  }
  if (review.trace) out.push(traceText(review.trace), '');
  if (view.sizesFrom) out.push(t(view.sizesFrom));
  if (view.staleStats) out.push(paint('33', `warning: ${t(view.staleStats)}`));
  for (const reason of view.skipped) out.push(`skipped: ${t(reason)}`);
  out.push(
    `Verdict: ${paint(review.verdict === 'BLOCK' ? '31;1' : review.verdict === 'SAFE_TO_SHIP' ? '32;1' : '33;1', view.verdictLabel)} — ${t(view.justification)}`,
  );
  out.push(`(${view.fileCount} file${view.fileCount === 1 ? '' : 's'} reviewed)`);
  return `${out.join('\n')}\n`;
}
