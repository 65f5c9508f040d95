import type { ResolvedConfig } from '../config/schema.js';
import { applyAcks, type AckProblem, type ScriptAcks } from '../core/acks.js';
import type { FileSummary, Finding, Review, TraceReport } from '../core/types.js';
import { categoryStatuses, justify, verdictOf } from '../core/verdict.js';
import { findingOf } from '../rules/finding.js';
import { RULES_BY_ID } from '../rules/index.js';

/**
 * Everything the sources of findings produced for one change, before the repository's policy:
 * rule, trace, Claude and pipeline findings with the status each source judged, and the acks
 * written in the migrations.
 */
export interface Draft {
  findings: Finding[];
  files: FileSummary[];
  acks: ScriptAcks[];
  /** Tables the change creates (empty, so lock, scan and rewrite concerns on them do not apply). */
  createdTables: string[];
  /** Parts of the pipeline that did not run, and why. */
  skipped: string[];
  postgres: number;
  trace?: TraceReport;
}

const WHY_ACK_FAILED: Record<AckProblem['kind'], string> = {
  malformed: 'it does not follow `-- migration-review: ack <rule-id> "<reason>"`',
  'no-reason': 'it gives no reason in quotes',
  'unknown-rule': 'there is no rule with that id (`npx migration-review rules` lists them)',
  'block-not-allowed': 'it acknowledges a BLOCK, and this repository does not allow that (acks.allowBlock)',
};

/**
 * The one policy pass, applied once after every source has reported (as ESLint applies severities
 * and disable comments): `rules:` levels and `off` for findings of every source, then acks, then
 * category statuses, the verdict and its justification. Pure: the draft is not changed, so the
 * app can finalize the deterministic draft, post it, and finalize again with Claude's findings.
 */
export function finalize(draft: Draft, config: ResolvedConfig): Review {
  const findings = withLevels(
    draft.findings.map((f) => ({ ...f, acknowledged: null })),
    config,
  );
  const problems: { file: string; problem: AckProblem }[] = [];
  const known = new Set(RULES_BY_ID.keys());
  for (const script of draft.acks) {
    for (const problem of script.problems) problems.push({ file: script.file, problem });
    for (const problem of applyAcks(findings, script.acks, script.file, known, config.acks.allowBlock)) problems.push({ file: script.file, problem });
  }
  const ackFindings = problems.map(({ file, problem }) =>
    findingOf('invalid-ack', {
      messageId: 'invalid',
      data: { ack: problem.rule ?? problem.text, why: WHY_ACK_FAILED[problem.kind] },
      file,
      line: problem.line,
      status: 'FLAG',
      source: 'rule',
      category: RULES_BY_ID.get(problem.rule ?? '')?.category,
    }),
  );
  return assemble([...findings, ...withLevels(ackFindings, config)], draft, config);
}

/** `rules: { <id>: off | FLAG | BLOCK }`: drops or re-levels a rule's findings, whatever raised them. */
function withLevels(findings: Finding[], config: ResolvedConfig): Finding[] {
  const out: Finding[] = [];
  for (const finding of findings) {
    const level = config.rules[finding.rule];
    if (level === 'off') continue;
    out.push(level ? { ...finding, status: level } : finding);
  }
  return out;
}

function assemble(findings: Finding[], draft: Draft, config: ResolvedConfig): Review {
  const categories = categoryStatuses(findings);
  const verdict = verdictOf(categories);
  // Sorted first, so the finding the justification leads with does not depend on run order.
  const sorted = sortFindings(findings);
  return {
    schemaVersion: 1,
    verdict,
    justification: justify(verdict, sorted, draft.files.filter((f) => f.framework !== 'sqitch-verify').length),
    categories,
    findings: sorted,
    files: draft.files,
    ...(draft.skipped.length ? { skipped: draft.skipped } : {}),
    postgres: draft.postgres,
    ...(config.stats.source ? { stats: config.stats.source } : {}),
    ...(draft.trace ? { trace: draft.trace } : {}),
  };
}

function sortFindings(findings: Finding[]): Finding[] {
  const rank = { BLOCK: 0, FLAG: 1 } as const;
  return findings.sort((a, b) => Number(!!a.acknowledged) - Number(!!b.acknowledged) || rank[a.status] - rank[b.status] || a.file.localeCompare(b.file) || a.line - b.line);
}
