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
  // Lines only grow: the next statement is found by moving forward, not by a search per ack
  // (a file of many acks made that quadratic).
  let after = 0;
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
    while (after < sorted.length && sorted[after]!.line <= line) after++;
    const next = sorted[after];
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
  const byRule = findingsByRule(findings, file);
  for (const ack of acks) {
    if (!knownRules.has(ack.rule)) {
      problems.push({ line: ack.line, kind: 'unknown-rule', rule: ack.rule, text: ack.rule });
      continue;
    }
    if (!ack.reason) continue;
    const covered = byRule.get(ack.rule)?.covered(ack) ?? [];
    let blocked = false;
    for (const finding of covered) {
      if (finding.status === 'BLOCK' && !allowBlock) blocked = true;
      else finding.acknowledged = { reason: ack.reason, file, line: ack.line };
    }
    // One problem per ack, however many BLOCKs it stands above: the same line, rule and reason.
    if (blocked) problems.push({ line: ack.line, kind: 'block-not-allowed', rule: ack.rule, text: ack.rule });
  }
  return problems;
}

/**
 * A file's findings of one rule, sorted by line, for the acks to look up: each ack costs the
 * findings it covers, not every finding of the change (a file of thousands of acks and findings
 * was quadratic, and a hostile one could take minutes).
 */
class RuleFindings {
  private readonly sorted: { finding: Finding; order: number }[] = [];
  /** After one file-wide ack, what is left unacknowledged stays so (BLOCKs the config does not let acks cover). */
  private leftByFileWide: Finding[] | null = null;

  add(finding: Finding, order: number): void {
    this.sorted.push({ finding, order });
  }

  sort(): void {
    this.sorted.sort((a, b) => a.finding.line - b.finding.line || a.order - b.order);
  }

  /** The unacknowledged findings the ack covers, in the order they were reported. */
  covered(ack: Ack): Finding[] {
    if (ack.fileWide) {
      const left = this.leftByFileWide ?? this.sorted.filter((e) => !e.finding.acknowledged).sort((a, b) => a.order - b.order).map((e) => e.finding);
      this.leftByFileWide = left;
      return left.filter((f) => !f.acknowledged);
    }
    if (ack.statementLine === null) return [];
    const end = ack.statementEndLine ?? ack.statementLine;
    const out: { finding: Finding; order: number }[] = [];
    for (let i = this.firstAtOrAfter(ack.statementLine); i < this.sorted.length && this.sorted[i]!.finding.line <= end; i++) {
      if (!this.sorted[i]!.finding.acknowledged) out.push(this.sorted[i]!);
    }
    return out.sort((a, b) => a.order - b.order).map((e) => e.finding);
  }

  private firstAtOrAfter(line: number): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.sorted[mid]!.finding.line < line) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

function findingsByRule(findings: Finding[], file: string): Map<string, RuleFindings> {
  const byRule = new Map<string, RuleFindings>();
  findings.forEach((finding, order) => {
    if (finding.file !== file) return;
    let list = byRule.get(finding.rule);
    if (!list) byRule.set(finding.rule, (list = new RuleFindings()));
    list.add(finding, order);
  });
  for (const list of byRule.values()) list.sort();
  return byRule;
}
