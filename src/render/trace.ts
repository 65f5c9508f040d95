import type { Disproved } from '../trace/reconcile.js';
import { LOCK_STRENGTH } from '../trace/lock-modes.js';
import type { FileTrace, StatementTrace, TraceResult } from '../trace/trace.js';
import { codeSpan, inlineMarkdown, markdownText, mermaidLabel, tableCell, visibleControls } from './escape.js';

/** The trace in the shapes people read: a compact terminal table and a Mermaid lock timeline. */

export type TraceReport = TraceResult & { disproved: Disproved[] };

const WRITE_BLOCKING = LOCK_STRENGTH.indexOf('ShareLock');
const blocksWrites = (mode: string): boolean => LOCK_STRENGTH.indexOf(mode) >= WRITE_BLOCKING;
const shortMode = (mode: string): string => mode.replace(/Lock$/, '');
const clip = (text: string, max: number): string => {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

const TX_LABEL: Record<string, string> = {
  'per-file': 'the runner wraps the file in one transaction',
  'all-pending': 'one transaction around all pending migrations',
  implicit: 'sent as one query string',
  none: 'no transaction: each statement commits alone',
  unknown: 'unknown runner',
};

function statementSummary(s: StatementTrace): string {
  if (s.status === 'error') return `FAILS: ${clip(s.reason ?? '', 80)}${s.code ? ` (${s.code})` : ''}`;
  if (s.status === 'refused' || s.status === 'skipped') return clip(s.reason ?? s.status, 90);
  if (s.status === 'killed') return `STOPPED: ${s.reason}`;
  const parts = s.locks
    .filter((l) => !l.isNew)
    .map(
      (l) =>
        `${shortMode(l.mode)} ${l.relation}${l.heldUntilFile ? ` → ${l.heldUntilFile}:${l.heldUntilLine}` : l.heldUntilLine > s.line ? ` → line ${l.heldUntilLine}` : ''}`,
    );
  if (s.rewrites.length) parts.push(`REWRITE ${s.rewrites.join(', ')}`);
  return parts.join('; ') || (s.inTransaction ? '—' : 'no lock read (runs outside a transaction)');
}

function baseLine(trace: TraceResult): string {
  const b = trace.base;
  const from =
    b.snapshot === 'warm'
      ? 'from a cached snapshot, booted ahead'
      : b.snapshot === 'cached'
        ? 'from a cached snapshot'
        : b.snapshot === 'built'
          ? 'replayed (snapshot saved)'
          : 'replayed';
  const skipped = b.skipped.length ? `, ${b.skipped.length} statement${b.skipped.length === 1 ? '' : 's'} skipped in the replay` : '';
  return `${b.migrations} earlier migration${b.migrations === 1 ? '' : 's'} ${from}${skipped}`;
}

export function traceText(trace: TraceReport): string {
  const out = [`Lock trace (${trace.engine}, ${(trace.ms / 1000).toFixed(1)} s; base: ${baseLine(trace)}):`];
  for (const file of trace.files) {
    out.push(`  ${file.path} (${TX_LABEL[file.txMode] ?? file.txMode})`);
    if (file.skipped) out.push(`    ${file.skipped}`);
    for (const s of file.statements) out.push(`    ${String(s.line).padStart(4)}  ${clip(s.sql, 48).padEnd(48)}  ${statementSummary(s)}`);
    if (file.rollback) out.push(`    rollback (${file.rollback.down}): ${rollbackSummary(file)}`);
  }
  for (const d of trace.disproved) out.push(`  dropped ${d.rule} at ${d.file}:${d.line} — ${d.evidence}`);
  if (trace.stopped) out.push(`  ${trace.stopped}`);
  // Each entry is one line: a line break or escape sequence in a name from the PR is shown, not obeyed.
  return out.map((line) => visibleControls(line)).join('\n');
}

function rollbackSummary(file: FileTrace): string {
  const r = file.rollback!;
  if (r.status === 'restored' && r.schemaUnchanged) return 'the up changes no schema, so there is none to restore (data is not compared)';
  if (r.status === 'restored') return 'the down restores the schema';
  if (r.status === 'failed') return `the down fails: ${clip(r.reason ?? '', 100)}`;
  if (r.status === 'differs') return `the down leaves ${r.differences.length} difference${r.differences.length === 1 ? '' : 's'}`;
  return 'not run';
}

/** Mermaid labels hold table names from the PR: only safe characters, kept short. */
const task = (text: string): string => clip(mermaidLabel(text), 60);

/**
 * One Gantt chart per traced file: a bar per table lock, from the statement that takes it to the
 * one that releases it (x = statement number). Locks that block writes are marked critical.
 */
export function traceMermaid(trace: TraceReport, maxBars = 40): string {
  const charts: string[] = [];
  let bars = 0;
  for (const file of trace.files) {
    const index = new Map(file.statements.map((s, i) => [s.line, i]));
    const rows = new Map<string, string[]>();
    for (const [i, s] of file.statements.entries()) {
      for (const lock of s.locks) {
        if (lock.isNew || bars >= maxBars) continue;
        // Held into a later file (one transaction for all pending migrations): to this file's end.
        const until = lock.heldUntilFile ? file.statements.length - 1 : (index.get(lock.heldUntilLine) ?? i);
        const end = Math.max(i + 1, until + 1);
        const list = rows.get(lock.relation) ?? [];
        list.push(`    ${task(`${shortMode(lock.mode)} (line ${s.line})`)} :${blocksWrites(lock.mode) ? 'crit, ' : ''}${i}, ${end}`);
        rows.set(lock.relation, list);
        bars++;
      }
    }
    if (!rows.size) continue;
    const sections = [...rows].map(([relation, list]) => `    section ${task(relation)}\n${list.join('\n')}`).join('\n');
    charts.push(
      `${codeSpan(file.path)} (${TX_LABEL[file.txMode] ?? file.txMode})\n\n\`\`\`mermaid\ngantt\n    dateFormat X\n    axisFormat %s\n${sections}\n\`\`\``,
    );
  }
  return charts.join('\n\n');
}

/** The markdown section for the PR comment: timeline, failures, rollback, what the trace dropped. */
export function traceMarkdown(trace: TraceReport): string {
  const parts = [`<details>\n<summary><b>Lock trace</b> — ${trace.engine}, ${(trace.ms / 1000).toFixed(1)} s; base: ${baseLine(trace)}</summary>\n`];
  const timeline = traceMermaid(trace);
  if (timeline) parts.push(`Locks per table, by statement (red: blocks writes):\n\n${timeline}\n`);
  const rows = trace.files.flatMap((f) =>
    f.statements
      .filter((s) => s.status !== 'ok' || s.rewrites.length)
      .map((s) => `| ${[codeSpan(`${s.file}:${s.line}`), codeSpan(clip(s.sql, 60)), markdownText(statementSummary(s))].map(tableCell).join(' | ')} |`),
  );
  if (rows.length) parts.push(`| Statement | SQL | Trace |\n|---|---|---|\n${rows.join('\n')}\n`);
  for (const file of trace.files.filter((f) => f.rollback)) parts.push(`- Rollback ${codeSpan(file.rollback!.down)}: ${markdownText(rollbackSummary(file))}`);
  for (const d of trace.disproved) parts.push(`- Dropped ${codeSpan(d.rule)} at ${codeSpan(`${d.file}:${d.line}`)}: ${inlineMarkdown(d.evidence)}`);
  if (trace.stopped) parts.push(`- ${inlineMarkdown(trace.stopped)}`);
  parts.push('\n</details>');
  return parts.join('\n');
}
