import type { Finding } from '../core/types.js';
import { loadPatterns } from '../patterns/library.js';
import { findingOf } from '../rules/finding.js';
import type { LlmFinding, LlmReview } from './prompt.js';

/**
 * Claude's answer, turned into findings under our policy: it can add findings (and so raise a
 * category), never lower or remove a rule or trace finding — the pipeline only ever appends these
 * to the draft, and the policy pass (`finalize`) treats them like any other. Each must cite a file
 * and line under review or it is dropped; its text is sanitized. What the review policy allows of
 * the rest (docs/judgment.md: no PASS, no repeats, BLOCKs that cite their policy line) is
 * applyClaudePolicy's decision (policy.ts).
 */
export interface MergeContext {
  /** Reviewed files and their line counts. */
  lines: Map<string, number>;
  /** Links allowed in Claude's text: the repository and our docs (prefixes). */
  allowedLinks: string[];
}

/** A finding Claude proposes, with the policy line it cites (docs/judgment.md), for the policy pass. */
export interface ClaudeProposal {
  /** Carries the table Claude named, when it named one. */
  finding: Finding;
  policy: string | null;
}

/**
 * A finding of the answer. `policy` and `table` are always present in an answer the API returns
 * (the schema requires them); answers written by hand, as in the rule's case table, may omit them.
 */
type AnswerFinding = Omit<LlmFinding, 'policy' | 'table'> & Partial<Pick<LlmFinding, 'policy' | 'table'>>;

export interface LlmFindings {
  proposals: ClaudeProposal[];
  /** The proposals' findings, for callers that do not apply the policy. */
  findings: Finding[];
  /** Findings refused, with why ("file:line (reason)"). */
  dropped: string[];
}

export function llmFindings(answer: Omit<LlmReview, 'findings'> & { findings: AnswerFinding[] }, context: MergeContext): LlmFindings {
  const patternIds = new Set(loadPatterns().map((p) => p.id));
  const dropped: string[] = [];
  const proposals: ClaudeProposal[] = [];
  const clean = (text: string): string => sanitize(text, context.allowedLinks);
  for (const f of answer.findings) {
    const count = context.lines.get(f.file);
    if (count === undefined) {
      dropped.push(`${f.file}:${f.line} (not a file under review)`);
      continue;
    }
    if (f.line > count) {
      dropped.push(`${f.file}:${f.line} (the file has ${count} lines)`);
      continue;
    }
    const table = f.table ? clean(f.table) : undefined;
    const finding = findingOf('claude-review', {
      messageId: 'finding',
      data: { title: clean(f.title).replace(/[.:]\s*$/, ''), message: clean(f.message), recommendation: clean(f.recommendation) },
      file: f.file,
      line: f.line,
      status: f.status,
      source: 'llm',
      category: f.category,
      pattern: f.pattern && patternIds.has(f.pattern) ? f.pattern : 'acknowledge-a-finding',
      table,
    });
    proposals.push({ finding, policy: f.policy ?? null });
  }
  return { proposals, findings: proposals.map((p) => p.finding), dropped };
}

/**
 * Untrusted text made safe for a PR comment: no @mentions (they notify people), no raw HTML, no
 * images, and links only to the repository or our docs (others keep their text, lose the URL).
 */
export function sanitize(text: string, allowedLinks: string[]): string {
  const allowed = (url: string): boolean => allowedLinks.some((prefix) => url.startsWith(prefix));
  return (
    text
      // Images first: ![alt](url) → alt.
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      // Markdown links to elsewhere keep only their text.
      .replace(/\[([^\]]*)\]\(([^)\s]*)[^)]*\)/g, (whole, label: string, url: string) => (allowed(url) ? whole : label))
      // Bare URLs elsewhere are shown as code, which GitHub does not link.
      .replace(/\bhttps?:\/\/[^\s)<>`]+/g, (url, offset: number, all: string) => (allowed(url) || all[offset - 1] === '(' ? url : `\`${url}\``))
      // HTML: shown, not interpreted.
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // @mentions and team mentions: a zero-width joiner keeps them from notifying anyone.
      .replace(/(^|[^\w`])@([A-Za-z0-9-]+(?:\/[A-Za-z0-9_.-]+)?)/g, '$1@\u200d$2')
  );
}
