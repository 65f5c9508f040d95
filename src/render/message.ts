import { RULES_BY_ID } from '../rules/index.js';
import { codeSpan, inlineMarkdown, splitCodeSpans } from './escape.js';

/**
 * A finding's message as Markdown: the rule's template text is ours and kept as written (its code
 * spans, its punctuation), the values interpolated into it — names, paths and SQL from the pull
 * request — are escaped for where they land.
 *
 * Findings carry only the rendered text, not their template data, so the values are recovered by
 * matching the text against the rule's templates. That is sound whatever the values hold: the
 * parts passed through unescaped are exactly the template's literal text, so an ambiguous match
 * can only move a boundary between two values, never make PR text trusted. Text no template
 * matches (a message built some other way) is escaped whole, keeping its code spans.
 */

type Field = 'message' | 'recommendation';

/** A template split at its placeholders: `literals.length === placeholders + 1`. */
interface Template {
  literals: string[];
  /** Markdown segments of the template; placeholders stand in as private-use characters. */
  skeleton: { code: boolean; text: string }[];
}

const PLACEHOLDER = /\{\{\s*[\w.]+\s*\}\}/g;
/** U+E000 + i marks placeholder i in a skeleton (no template holds private-use characters). */
const SLOT = 0xe000;
const SLOTS = /[\uE000-\uF8FF]/g;
/** Past this length the matcher's quadratic cost is not worth it: the text is escaped whole. */
const MAX_MATCHED_LENGTH = 8_000;

const cache = new Map<string, Template[]>();

function templatesOf(ruleId: string, field: Field): Template[] {
  const key = `${ruleId}\u0000${field}`;
  let templates = cache.get(key);
  if (!templates) {
    const specs = Object.values(RULES_BY_ID.get(ruleId)?.messages ?? {});
    templates = specs.map((spec) => compile(spec[field].trim()));
    cache.set(key, templates);
  }
  return templates;
}

function compile(source: string): Template {
  const literals = source.split(PLACEHOLDER);
  const marked = literals.map((literal, i) => (i === 0 ? literal : `${String.fromCharCode(SLOT + i - 1)}${literal}`)).join('');
  return { literals, skeleton: splitCodeSpans(marked) };
}

/**
 * The values that make `text` from the template's literals, or null. Tries every split (memoised
 * on literal index and position), so a value that happens to contain a literal cannot derail it.
 */
function match(literals: string[], text: string): string[] | null {
  const values = literals.length - 1;
  if (!text.startsWith(literals[0]!)) return null;
  if (values === 0) return text === literals[0] ? [] : null;
  const failed = new Set<number>();
  // Value i starts at `at`; literals[i + 1] follows it.
  const from = (i: number, at: number): string[] | null => {
    const next = literals[i + 1]!;
    if (i + 1 === values) return text.length - next.length >= at && text.endsWith(next) ? [text.slice(at, text.length - next.length)] : null;
    const key = i * (text.length + 1) + at;
    if (failed.has(key)) return null;
    for (let end = text.indexOf(next, at); end >= 0; end = end < text.length ? text.indexOf(next, end + 1) : -1) {
      const rest = from(i + 1, end + next.length);
      if (rest) return [text.slice(at, end), ...rest];
    }
    failed.add(key);
    return null;
  };
  return from(0, literals[0]!.length);
}

function render(template: Template, values: string[]): string {
  const valueAt = (slot: string): string => values[slot.charCodeAt(0) - SLOT]!;
  return template.skeleton
    .map((part) =>
      // In our code span a value is code too: the whole span gets a fence that holds it.
      part.code ? codeSpan(part.text.replace(SLOTS, valueAt)) : part.text.replace(SLOTS, (slot) => inlineMarkdown(valueAt(slot))),
    )
    .join('');
}

function fromTemplates(ruleId: string, field: Field, text: string): string | null {
  if (text.length > MAX_MATCHED_LENGTH) return null;
  for (const template of templatesOf(ruleId, field)) {
    const values = match(template.literals, text);
    if (values) return render(template, values);
  }
  return null;
}

/**
 * `Verify: <what> — ` prefixes (added by the engine, the trace and the review) name tables and
 * paths; each is escaped as text, and the rest must match a template.
 */
function withVerifyPrefix(ruleId: string, text: string): string | null {
  const direct = fromTemplates(ruleId, 'message', text);
  if (direct !== null || !text.startsWith('Verify: ')) return direct;
  for (let dash = text.indexOf(' — ', 8); dash >= 0; dash = text.indexOf(' — ', dash + 1)) {
    const rest = withVerifyPrefix(ruleId, text.slice(dash + 3));
    if (rest !== null) return `Verify: ${inlineMarkdown(text.slice(8, dash))} — ${rest}`;
  }
  return null;
}

/** A finding's message, safe to put in Markdown. */
export function messageMarkdown(finding: { rule: string; message: string }): string {
  return withVerifyPrefix(finding.rule, finding.message) ?? inlineMarkdown(finding.message);
}

/** A finding's recommendation, safe to put in Markdown. */
export function recommendationMarkdown(finding: { rule: string; recommendation: string }): string {
  return fromTemplates(finding.rule, 'recommendation', finding.recommendation) ?? inlineMarkdown(finding.recommendation);
}
