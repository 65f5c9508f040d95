import type { Finding } from './types.js';

/**
 * Acknowledgements (DESIGN.md contract), written in the migration:
 *   -- migration-review: ack <rule-id> "<reason>"
 * on the line before a statement (covers that statement) or above the first statement (covers
 * the whole file). An acked finding stays in the report, marked, and stops counting toward the
 * verdict; a BLOCK can be acked only where the repository config allows it.
 */

export interface Ack {
  rule: string;
  reason: string | null;
  line: number;
  /** Covers the whole file (written above the first statement). */
  fileWide: boolean;
  /** First and last line of the statement the ack covers (a finding anywhere in it is covered). */
  statementLine: number | null;
  statementEndLine: number | null;
}

/** The acks written in one script (up or down), with the problems found while reading them. */
export interface ScriptAcks {
  file: string;
  acks: Ack[];
  problems: AckProblem[];
}

const ACK_ANYWHERE = /migration-review:\s*ack\b/i;
const ACK = /--\s*migration-review:\s*ack\b(.*)$/i;
const ACK_BODY = /^\s+([a-z0-9][a-z0-9-]*)\s*(?:"([^"]*)"|'([^']*)')?\s*$/i;

export interface AckProblem {
  line: number;
  kind: 'malformed' | 'no-reason' | 'unknown-rule' | 'block-not-allowed';
  rule?: string;
  text: string;
}

/** Finds ack comments in a script whose first line is `startLine` of the file. */
export function parseAcks(sql: string, startLine: number, statements: { line: number; endLine: number }[]): { acks: Ack[]; problems: AckProblem[] } {
  const acks: Ack[] = [];
  const problems: AckProblem[] = [];
  if (!ACK_ANYWHERE.test(sql)) return { acks, problems };
  const lines = sql.split('\n');
  const sorted = [...statements].sort((a, b) => a.line - b.line);
  const firstStatement = sorted[0]?.line ?? Infinity;
  lines.forEach((text, i) => {
    const match = text.match(ACK);
    if (!match) return;
    const line = startLine + i;
    const body = match[1]!.match(ACK_BODY);
    if (!body) {
      problems.push({ line, kind: 'malformed', text: text.trim() });
      return;
    }
    const reason = (body[2] ?? body[3] ?? '').trim() || null;
    const rule = body[1]!.toLowerCase();
    if (!reason) problems.push({ line, kind: 'no-reason', rule, text: text.trim() });
    const next = sorted.find((s) => s.line > line);
    acks.push({ rule, reason, line, fileWide: line < firstStatement, statementLine: next?.line ?? null, statementEndLine: next?.endLine ?? null });
  });
  return { acks, problems };
}

/**
 * Marks findings covered by a valid ack, whatever raised them (rule, trace or Claude): same file,
 * same rule id, and the line within the statement the ack stands above (or anywhere, for a
 * file-wide ack). Returns acks that could not apply, as problems.
 */
export function applyAcks(findings: Finding[], acks: Ack[], file: string, knownRules: Set<string>, allowBlock: boolean): AckProblem[] {
  const problems: AckProblem[] = [];
  for (const ack of acks) {
    if (!knownRules.has(ack.rule)) {
      problems.push({ line: ack.line, kind: 'unknown-rule', rule: ack.rule, text: ack.rule });
      continue;
    }
    if (!ack.reason) continue;
    const covered = findings.filter(
      (f) => f.file === file && f.rule === ack.rule && !f.acknowledged && (ack.fileWide || (ack.statementLine !== null && f.line >= ack.statementLine && f.line <= (ack.statementEndLine ?? ack.statementLine))),
    );
    for (const finding of covered) {
      if (finding.status === 'BLOCK' && !allowBlock) {
        problems.push({ line: ack.line, kind: 'block-not-allowed', rule: ack.rule, text: ack.rule });
        continue;
      }
      finding.acknowledged = { reason: ack.reason, file, line: ack.line };
    }
  }
  return problems;
}
