import { assemble } from '../core/review.js';
import type { Finding, Review } from '../core/types.js';
import { loadPatterns } from '../patterns/library.js';
import type { LlmReview } from './prompt.js';

/**
 * Claude's answer, merged under our policy: it can add findings (and so raise a category), never
 * lower or remove a rule or trace finding; each finding must cite a file and line that exist or it
 * is dropped; its text is sanitized; its justification is used only when its verdict is the final one.
 */
export interface MergeContext {
  /** Reviewed files and their line counts. */
  lines: Map<string, number>;
  /** Links allowed in Claude's text: the repository and our docs (prefixes). */
  allowedLinks: string[];
}

export interface Merged<R extends Review> {
  review: R;
  added: number;
  dropped: string[];
}

export function mergeLlm<R extends Review>(review: R, answer: LlmReview, context: MergeContext): Merged<R> {
  const patternIds = new Set(loadPatterns().map((p) => p.id));
  const dropped: string[] = [];
  const added: Finding[] = [];
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
    const message = sanitize(f.message, context.allowedLinks);
    added.push({
      rule: 'claude-review',
      category: f.category,
      status: f.status,
      file: f.file,
      line: f.line,
      message: `${sanitize(f.title, context.allowedLinks).replace(/[.:]\s*$/, '')}: ${message}`,
      recommendation: sanitize(f.recommendation, context.allowedLinks),
      pattern: f.pattern && patternIds.has(f.pattern) ? f.pattern : 'acknowledge-a-finding',
      source: 'llm',
      acknowledged: null,
    });
  }
  const merged = assemble([...review.findings, ...added], review.files, review.postgres ?? 14, review.skipped ?? []);
  const justification = answer.verdict === merged.verdict ? sanitize(answer.justification, context.allowedLinks) : merged.justification;
  return { review: { ...review, ...merged, justification }, added: added.length, dropped };
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
