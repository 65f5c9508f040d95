/**
 * Text from a pull request (table, index and column names, file paths, SQL, messages built from
 * them) made inert for the place it lands in our output. GitHub renders comments with cmark-gfm
 * and then links @mentions, #references and emoji in the HTML's text, so each context needs its
 * own escape: one escaper per context, and the renderers pick by where the text goes.
 */

const NEWLINE = /\r\n|\r|\n/g;
/** C0 (but tab and line breaks), DEL, C1, and the bidi overrides that reorder what is shown. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Line breaks and control characters made visible: a name cannot start a new line of output
 * (a fake heading, a fake verdict), end a table row, or send a terminal an escape sequence.
 * C0 controls become their Control Pictures (ESC → ␛), the rest U+FFFD.
 */
export function visibleControls(text: string, options: { keepNewlines?: boolean } = {}): string {
  const lines = options.keepNewlines ? text : text.replace(NEWLINE, '␤');
  return lines.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? '␡' : '\uFFFD';
  });
}

/**
 * GitHub turns `@name` into a mention (a notification) and `#12` into a cross-reference after
 * rendering, in any text outside code: a zero-width joiner after the sign stops both, as
 * src/llm/merge.ts `sanitize` does for mentions.
 */
const neutraliseReferences = (text: string): string => text.replace(/([@#])(?=[\p{L}\p{N}_])/gu, '$1\u200d');

/**
 * Punctuation that opens an inline construct (code, emphasis, strikethrough, links and images,
 * footnotes, GitHub math) is backslash-escaped; `&<>` (entities, raw HTML, `<…>` autolinks) and
 * `|` (table cells) become entities, which stay text in a table cell and in HTML alike. Only what
 * can open something is escaped, so the raw Markdown of a plain name stays readable.
 */
const INLINE_PUNCTUATION = /[\\`*[\]~$]/g;
/** `_` emphasises only at a word's edge: `lock_timeout` stays as it is. */
const EDGE_UNDERSCORE = /_(?![\p{L}\p{N}])|(?<![\p{L}\p{N}])_/gu;
/** GFM links `http://`, `https://`, `ftp://`, `mailto:`, `xmpp:` and `www.` by itself: break each at its `:` or `.`. */
const AUTOLINK = /(:)(?=\/\/)|(?<=(?:mailto|xmpp))(:)|(?<=www)(\.)/gi;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '|': '&#124;' };
/** What makes a line a heading, quote, list, thematic break or setext underline when it starts one. */
const BLOCK_START = /^(\s*)([#>+\-=]|\d{1,9}(?=[.)]))/;

/** PR text as plain Markdown text (a paragraph, a table cell, a heading, a link's text). */
export function markdownText(text: string): string {
  // References first: the `#` of the entities below must stay as it is.
  return neutraliseReferences(visibleControls(text))
    .replace(/[&<>|]/g, (c) => ENTITIES[c]!)
    .replace(INLINE_PUNCTUATION, '\\$&')
    .replace(EDGE_UNDERSCORE, '\\_')
    .replace(AUTOLINK, '\\$&')
    .replace(BLOCK_START, (_, space: string, marker: string) => (/\d/.test(marker) ? `${space}${marker}\\` : `${space}\\${marker}`));
}

/** PR text inside raw HTML (`<summary>`, `<code>`): Markdown is not parsed there, entities are. */
export function htmlText(text: string): string {
  const html: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return neutraliseReferences(visibleControls(text)).replace(/[&<>"']/g, (c) => html[c]!);
}

/** CommonMark strips one space from each side of a code span's content that has both (and is not all spaces). */
const bothSidesSpace = (content: string): boolean => content.length >= 2 && content.startsWith(' ') && content.endsWith(' ') && content.trim() !== '';

const longestBacktickRun = (text: string): number => Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));

/**
 * A code span that holds `text` whatever it contains: the fence is one backtick longer than any
 * run inside, and a space pads content that starts or ends with a backtick (or with a space on
 * both sides, which CommonMark would strip). Line breaks are shown as ␤ so the span (and a table
 * row around it) cannot end early.
 */
export function codeSpan(text: string): string {
  const content = visibleControls(text);
  if (!content) return '';
  const fence = '`'.repeat(longestBacktickRun(content) + 1);
  const pad = /^`|`$/.test(content) || bothSidesSpace(content) ? ' ' : '';
  return `${fence}${pad}${content}${pad}${fence}`;
}

/** A fenced code block: its fence is longer than any run of backticks in the content. */
export function codeBlock(text: string, info = ''): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  return `${fence}${info}\n${visibleControls(text, { keepNewlines: true })}\n${fence}`;
}

/**
 * A table cell: GitHub splits the row on every `|` that is not backslash-escaped (also inside
 * code spans, where cmark-gfm removes the backslash again), and a line break ends the row. A
 * backslash already before a pipe (only code can hold one: text has `&#124;`) is read by some
 * parsers as escaping our backslash instead: a zero-width space keeps the two apart.
 */
export function tableCell(markdown: string): string {
  return markdown
    .replace(/\s*(?:\r\n|\r|\n)\s*/g, ' ')
    .replace(/\\(?=\|)/g, '\\\u200b')
    .replace(/\|/g, '\\|');
}

/** A link destination: characters that would end or break it are percent-encoded. */
export function linkDestination(url: string): string {
  return url.replace(/[\s<>()\\`"']/g, (c) => encodeURIComponent(c).replace(/[()'"]/g, (p) => `%${p.charCodeAt(0).toString(16).toUpperCase()}`));
}

/**
 * Splits Markdown into code spans and the text between, as CommonMark pairs backtick runs: a run
 * closes only on a run of the same length; a backslash escapes the next character outside code.
 * An unpaired run is text.
 */
export function splitCodeSpans(text: string): { code: boolean; text: string }[] {
  const parts: { code: boolean; text: string }[] = [];
  let plain = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      plain += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c !== '`') {
      plain += c;
      i++;
      continue;
    }
    const run = /^`+/.exec(text.slice(i))![0];
    const close = closingRun(text, i + run.length, run.length);
    if (close < 0) {
      plain += run;
      i += run.length;
      continue;
    }
    if (plain) parts.push({ code: false, text: plain });
    plain = '';
    let content = text.slice(i + run.length, close);
    if (bothSidesSpace(content)) content = content.slice(1, -1);
    parts.push({ code: true, text: content });
    i = close + run.length;
  }
  if (plain) parts.push({ code: false, text: plain });
  return parts;
}

function closingRun(text: string, from: number, length: number): number {
  const runs = /`+/g;
  runs.lastIndex = from;
  for (let m = runs.exec(text); m; m = runs.exec(text)) if (m[0].length === length) return m.index;
  return -1;
}

/**
 * Untrusted text that may hold code spans (a value built by a rule, Claude's text, the
 * justification quoting a message): its code spans stay code, with a safe fence; the rest is
 * escaped as text. Whatever the input, the result is only code spans and plain text.
 */
export function inlineMarkdown(text: string): string {
  return splitCodeSpans(text)
    .map((part) => (part.code ? codeSpan(part.text) : markdownText(part.text)))
    .join('');
}

/**
 * A Mermaid label (a gantt section or task name): only letters, digits, spaces and `_.,()-/`
 * survive, so no `:` `#` `;` `%%`, line break or backtick can end the label, the statement or
 * the Markdown fence around the chart.
 */
export function mermaidLabel(text: string): string {
  return text.replace(/[^\p{L}\p{N} _.,()\-/]/gu, '_').replace(/\s+/g, ' ');
}

/**
 * The first sentence of escaped Markdown, for a table cell: it ends at the first `.`, `!` or `?`
 * before a space that is not inside a code span or backslash-escaped.
 */
export function firstSentence(markdown: string): string {
  let out = '';
  for (const part of splitCodeSpans(markdown)) {
    if (part.code) {
      out += codeSpan(part.text);
      continue;
    }
    const end = /(?<!\\)[.!?](?=\s)/.exec(part.text);
    if (end) return out + part.text.slice(0, end.index + 1);
    out += part.text;
  }
  return out;
}
