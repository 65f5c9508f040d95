import type { Finding } from '../core/types.js';
import { loadPatterns } from '../patterns/library.js';
import { findingOf } from '../rules/finding.js';
import type { LlmReview } from './prompt.js';

/**
 * Claude's answer, turned into findings under our policy: it can add findings (and so raise a
 * category), never lower or remove a rule or trace finding — the pipeline only ever appends these
 * to the draft, and the policy pass (`finalize`) treats them like any other. Each must cite a file
 * and line under review or it is dropped; its text is sanitized.
 */
export interface MergeContext {
  /** Reviewed files and their line counts. */
  lines: Map<string, number>;
  /** Links allowed in Claude's text: the repository and our docs (prefixes). */
  allowedLinks: string[];
}

export interface LlmFindings {
  findings: Finding[];
  /** Findings refused, with why ("file:line (reason)"). */
  dropped: string[];
}

export function llmFindings(answer: LlmReview, context: MergeContext): LlmFindings {
  const patternIds = new Set(loadPatterns().map((p) => p.id));
  const dropped: string[] = [];
  const findings: Finding[] = [];
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
    findings.push(
      findingOf('claude-review', {
        messageId: 'finding',
        data: { title: clean(f.title).replace(/[.:]\s*$/, ''), message: clean(f.message), recommendation: clean(f.recommendation) },
        file: f.file,
        line: f.line,
        status: f.status,
        source: 'llm',
        category: f.category,
        pattern: f.pattern && patternIds.has(f.pattern) ? f.pattern : 'acknowledge-a-finding',
      }),
    );
  }
  return { findings, dropped };
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
