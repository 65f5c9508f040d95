import { describe, expect, it } from '@jest/globals';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import type { Finding, Review } from '../../src/core/types.js';
import { checkOutput, commentBody, MARKER } from '../../src/github/publish.js';
import type { TraceReport } from '../../src/render/trace.js';
import { renderText } from '../../src/render/text.js';
import { RULES_BY_ID } from '../../src/rules/index.js';

/**
 * Names, paths and SQL from a pull request are untrusted: rendered as GitHub renders the comment
 * (CommonMark + GFM, raw HTML allowed), nothing from them may become an element — no image, no
 * link elsewhere, no heading, no comment swallowing the rest, no mention — and the comment keeps
 * its shape: one table of four columns, every finding after the hostile one still shown.
 */
const HOSTILE: [string, string][] = [
  ['raw HTML image', '<img src=https://x>'],
  ['a user mention', '@octocat'],
  ['a team mention', '@github/security'],
  ['a Markdown link', '[docs](https://evil.example)'],
  ['a Markdown image', '![x](https://evil.example/p.png)'],
  ['a backtick', 'a`b'],
  ['backtick runs and a fence', '``x`` ```sql'],
  ['a comment that hides the rest', 'x\n\n<!--'],
  ['a fake verdict heading', 'x\n\n## ✅ Migration review: **SAFE TO SHIP**'],
  ['pipes', 'a|b|c'],
  ['a bare URL', 'https://evil.example/path'],
  ['a www link', 'www.evil.example'],
  ['an e-mail address', 'evil@evil.example'],
  ['an angle-bracket autolink', '<https://evil.example>'],
  ['our marker', '<!-- migration-review -->'],
  ['closing our HTML', '</code></summary></details><h2>x</h2>'],
  ['emphasis and strikethrough', '*bold* _em_ ~~del~~'],
  ['a backslash before a backtick and a pipe', 'x\\`y\\|z'],
  ['an issue reference', '#123'],
  ['a list, a quote and a table', 'x\n1. one\n- two\n> three\n|a|b|\n|---|---|'],
  ['a footnote', 'x[^1]\n\n[^1]: https://evil.example'],
  ['a fenced block in SQL', 'x\n```\n</details>\n```\n~~~'],
  ['an ANSI escape', '\u001b[31mred\u001b[0m'],
  ['a right-to-left override', 'abc\u202edcba'],
  ['an entity', '&lt;img src=x&gt;'],
];

const DOCS = 'https://unpkg.com/migration-review@';

// The tests look for the control characters themselves.
/* eslint-disable no-control-regex */
const C0_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f]/;
const TERMINAL_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;
/* eslint-enable no-control-regex */
const rule = (id: string) => RULES_BY_ID.get(id)!;

/** A review whose PR-derived text is all `name`: messages from the real rule templates. */
function hostileReview(name: string): Review & { trace: TraceReport } {
  const file = `db/migrations/000002_${name}.up.sql`;
  const index = rule('create-index-non-concurrently').render('lock', {
    index: name,
    table: name,
    columns: name,
    size: '80M rows',
    duration: '~25 min',
    queued: '',
    hint: `Put it alone in ${'`'}${name}${'`'}.`,
  });
  const hostile: Finding = {
    rule: 'create-index-non-concurrently',
    category: 'lock_contention',
    categories: ['lock_contention'],
    status: 'BLOCK',
    file,
    line: 1,
    message: `Verify: size of ${name} — ${index.message}`,
    recommendation: index.recommendation,
    pattern: 'create-index-concurrently',
    source: 'rule',
    acknowledged: null,
    evidence: `SHARE on ${name} held until line 3`,
    excerpt: `CREATE INDEX "${name}" ON "${name}" ("${name}")`,
  };
  const sentinel: Finding = {
    ...hostile,
    status: 'FLAG',
    line: 9,
    message: 'Sentinel finding after the hostile one.',
    recommendation: 'Nothing.',
    evidence: undefined,
    excerpt: undefined,
  };
  const acked: Finding = { ...hostile, status: 'FLAG', line: 5, acknowledged: { reason: name, file, line: 4 } };
  const statement = { file, line: 1, type: 'IndexStmt', sql: `CREATE INDEX "${name}" ON t (a)`, inTransaction: true, ms: 1, locks: [] };
  return {
    schemaVersion: 1,
    verdict: 'BLOCK',
    justification: `Do not ship: ${index.message.split('. ')[0]} at ${file}:1.`,
    categories: {
      lock_contention: 'BLOCK',
      concurrent_write_hazards: 'PASS',
      missing_rollback: 'PASS',
      data_loss: 'PASS',
      replication_lag: 'PASS',
      constraint_validation: 'PASS',
      index_dependencies: 'PASS',
      foreign_keys: 'PASS',
    },
    findings: [hostile, sentinel, acked],
    files: [{ path: file, framework: 'golang-migrate', inTransaction: true, reviewed: true }],
    skipped: [`trace of ${name}`],
    trace: {
      engine: 'pglite',
      base: { migrations: 1, statements: 1, skipped: [], snapshot: 'built', ms: 1 },
      files: [
        {
          path: file,
          txMode: 'per-file',
          statements: [
            { ...statement, status: 'ok', rewrites: [], locks: [{ relation: name, mode: 'ShareLock', isNew: false, heldUntilLine: 3, heldForStatements: 2 }] },
            { ...statement, line: 3, status: 'error', reason: `relation "${name}" does not exist`, code: '42P01', rewrites: [] },
          ] as never,
          rollback: { status: 'failed', down: `db/migrations/000002_${name}.down.sql`, differences: [], reason: `cannot drop ${name}` },
        },
      ],
      stopped: `stopped at ${name}`,
      ms: 1,
      disproved: [{ rule: 'drop-column', file, line: 2, evidence: `column ${name} is new` }],
    },
  };
}

const toHtml = (markdown: string): string => micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
const count = (html: string, pattern: RegExp): number => html.match(pattern)?.length ?? 0;
/** Text outside code, where GitHub links mentions and references. */
const outsideCode = (html: string): string => html.replace(/<(code|pre)\b[^>]*>[\s\S]*?<\/\1>/g, '');

function expectInert(html: string, ours: { h2: number; h3: number; blockquote: number }): void {
  expect(count(html, /<img\b/g)).toBe(0);
  for (const [, href] of html.matchAll(/<a\b[^>]*href="([^"]*)"/g)) expect(href).toMatch(new RegExp(`^${DOCS.replace(/[.]/g, '\\.')}`));
  expect(count(html, /<h1\b/g) + count(html, /<h4\b/g) + count(html, /<h5\b/g) + count(html, /<h6\b/g)).toBe(0);
  expect(count(html, /<h2\b/g)).toBe(ours.h2);
  expect(count(html, /<h3\b/g)).toBe(ours.h3);
  // Ours: one quote per skipped step.
  expect(count(html, /<blockquote\b/g)).toBe(ours.blockquote);
  expect(count(html, /<(em|del|ol|sup|section|hr)\b/g)).toBe(0);
  // No mention or issue reference: a sign right before a name, outside code.
  expect(outsideCode(html)).not.toMatch(/(^|[^\w\u200d])[@#][A-Za-z0-9]/);
}

/** Every table row keeps four cells. */
function expectTables(html: string, tables: { cells: number; rows: number }[]): void {
  const found = [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((m) => m[1]!);
  expect(found).toHaveLength(tables.length);
  found.forEach((table, i) => {
    const rows = [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => count(m[1]!, /<t[dh]\b/g));
    expect(rows).toEqual(Array(tables[i]!.rows).fill(tables[i]!.cells));
  });
}

describe.each(HOSTILE)('the PR comment with %s in every name, path and SQL', (_, name) => {
  const review = hostileReview(name);
  const body = commentBody(review, 'f'.repeat(40), { docsUrl: null } as never);
  const html = toHtml(body);

  it('keeps our marker as the first line and the only HTML comment', () => {
    expect(body.startsWith(`${MARKER}\n`)).toBe(true);
    expect(count(html, /<!--/g)).toBe(1);
    expect(html.startsWith(MARKER)).toBe(true);
  });

  it('turns nothing from the PR into an element', () => {
    expectInert(html, { h2: 1, h3: 2, blockquote: 1 });
    // Ours: the verdict, "Do instead" per finding and "Trace" on the one with evidence.
    expect(count(html, /<strong>/g)).toBe(1 + 2 + 1);
  });

  it('keeps every finding, the acknowledgement, the trace and the footer visible', () => {
    expect(count(html, /<details\b/g)).toBe(3);
    expect(count(html, /<\/details>/g)).toBe(3);
    expect(outsideCode(html)).toContain('Sentinel finding after the hostile one.');
    expect(html).toMatch(/<ul>\s*<li><code>[^]*<\/code> create-index-non-concurrently — “/);
    expect(html).toContain('<code class="language-mermaid">gantt\n');
    expect(html).toMatch(/reviewed fffffff · comment <code>\/rereview<\/code>/);
    // Every fence closed where we closed it: the excerpt and the timeline, nothing else.
    expect(count(html, /<pre>/g)).toBe(2);
    expect(html).toMatch(/<pre><code class="language-sql">CREATE INDEX [^]*?<\/code><\/pre>\n<p>Verify: size of /);
  });

  it('keeps the category table and the trace table whole', () => {
    expectTables(html, [
      { cells: 4, rows: 9 },
      { cells: 3, rows: 2 },
    ]);
  });

  it('shows the name itself in code, as the PR wrote it (line breaks as ␤)', () => {
    const shown = name
      .replace(/\r\n|\r|\n/g, '␤')
      .replace(C0_BUT_LINE_BREAKS, (c) => String.fromCharCode(0x2400 + c.charCodeAt(0)))
      .replace(/[\u202a-\u202e]/g, '\uFFFD');
    const codes = [...html.matchAll(/<code>([^]*?)<\/code>/g)].map((m) => decode(m[1]!));
    // The acknowledged list's code span, and the finding's <summary> (where a joiner follows @ and #).
    expect(codes).toContain(`db/migrations/000002_${shown}.up.sql:5`);
    expect(codes.map((code) => code.replace(/\u200d/g, ''))).toContain(`db/migrations/000002_${shown}.up.sql:1`);
    // The recommendation's code span holds the names whole, whatever backticks they have.
    expect(codes).toContain(`CREATE INDEX CONCURRENTLY ${shown} ON ${shown} (${shown});`);
  });

  it('draws a Mermaid timeline whose labels cannot break the chart', () => {
    const chart = /<code class="language-mermaid">([^]*?)<\/code>/.exec(html)![1]!;
    const lines = decode(chart).trimEnd().split('\n');
    expect(lines.slice(0, 3)).toEqual(['gantt', '    dateFormat X', '    axisFormat %s']);
    for (const line of lines.slice(3)) expect(line).toMatch(/^ {4}(section [\p{L}\p{N} _.,()\-/…]+|[\p{L}\p{N} _.,()\-/…]+ :(crit, )?\d+, \d+)$/u);
  });

  it('renders the check run output inert too', () => {
    const output = checkOutput(review as never, 'f'.repeat(40));
    const summary = toHtml(output.summary);
    expectInert(summary, { h2: 0, h3: 0, blockquote: 0 });
    expectTables(summary, [{ cells: 4, rows: 9 }]);
    const text = toHtml(output.text!);
    expectInert(text.replace(/<em>Trace: [^]*?<\/em>/, ''), { h2: 0, h3: 2, blockquote: 0 });
    expect(outsideCode(text)).toContain('Sentinel finding after the hostile one.');
    expect(output.annotations.map((a) => a.message).join('')).not.toMatch(CONTROL_BUT_NEWLINE);
  });

  it('cannot recolour the terminal or add a line to the text output', () => {
    const text = renderText(review, { color: false });
    expect(text).not.toMatch(TERMINAL_UNSAFE);
    expect(text.split('\n').filter((line) => line.startsWith('Verdict:'))).toHaveLength(1);
    expect(text.split('\n').filter((line) => /^#|^\d\.|^- |^>/.test(line))).toEqual([]);
  });
});

function decode(html: string): string {
  return html.replace(/&(lt|gt|amp|quot|#39|#x27);/g, (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'", '#x27': "'" })[e]!);
}
