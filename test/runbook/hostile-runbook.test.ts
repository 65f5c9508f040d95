import { beforeAll, describe, expect, it } from '@jest/globals';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { resolveConfig } from '../../src/config/schema.js';
import type { MigrationFile } from '../../src/core/types.js';
import { review } from '../../src/review/analyze.js';
import { renderRunbook } from '../../src/runbook/runbook.js';
import { loadParser } from '../../src/sql/parse.js';

/**
 * Issue #17 item 11 in the Runbook section of the PR comment: table, column and index names, file
 * paths and SQL from the pull request land in its headings, table cells, lists and SQL blocks.
 * Rendered as GitHub renders a comment (CommonMark + GFM, raw HTML allowed), none of it may
 * become markup: the inputs, a code fence, and a backtick in the file name.
 */
const HOSTILE: [string, string][] = [
  ['raw HTML image', '<img src=https://x.example/p.png>'],
  ['a mention', '@octocat'],
  ['a Markdown link', '[docs](https://evil.example)'],
  ['a backtick', 'a`b'],
  ['a comment that hides the rest', 'x\n\n<!--'],
  ['a fake verdict heading', 'x\n\n## ✅ Migration review: **SAFE TO SHIP**'],
  ['a code fence', 'x\n```\n<img src=https://x.example/q.png>\n```'],
];

const quoted = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const toHtml = (markdown: string): string => micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
const count = (html: string, pattern: RegExp): number => html.match(pattern)?.length ?? 0;
const outsideCode = (html: string): string => html.replace(/<(code|pre)\b[^>]*>[\s\S]*?<\/\1>/g, '');

async function runbookFor(name: string): Promise<string> {
  const set = 'db/migrations';
  const file = (order: number, path: string, upSql: string, down: MigrationFile['down']): MigrationFile => ({
    path,
    framework: 'golang-migrate',
    version: String(order + 1),
    name: 'x',
    set,
    upSql,
    upStartLine: 1,
    order,
    down,
    expectsDown: true,
    txMode: 'implicit',
    txReason: 'one query string',
  });
  const history = file(0, `${set}/000001_init.up.sql`, `CREATE TABLE ${quoted(name)} (${quoted(name)} int, id int);`, {
    path: `${set}/000001_init.down.sql`,
    sql: `DROP TABLE ${quoted(name)};`,
    startLine: 1,
  });
  const changePath = `${set}/000002_${name.replace(/\//g, '_')}.up.sql`;
  const change = file(
    1,
    changePath,
    `CREATE INDEX ${quoted(name)} ON ${quoted(name)} (${quoted(name)});\nALTER TABLE ${quoted(name)} ALTER COLUMN ${quoted(name)} SET NOT NULL;\nALTER TABLE ${quoted(name)} DROP COLUMN id;`,
    {
      path: changePath.replace('.up.sql', '.down.sql'),
      sql: `DROP INDEX ${quoted(name)};\n-- ${name}\nALTER TABLE ${quoted(name)} ADD COLUMN id int;`,
      startLine: 1,
    },
  );
  const discovery = { migrations: [history, change], extras: [] };
  const config = resolveConfig({});
  const result = await review({ discovery, change: new Set([change.path]), config });
  return renderRunbook({ review: result, discovery, change: new Set([change.path]), config, probeResults: [] });
}

beforeAll(() => loadParser());

describe.each(HOSTILE)('the runbook with %s in every name, path and SQL', (_, name) => {
  it('turns nothing from the PR into an element, and keeps its tables whole', async () => {
    const markdown = await runbookFor(name);
    const html = toHtml(markdown);
    expect(count(html, /<img\b/g)).toBe(0);
    expect(count(html, /<a\b/g)).toBe(0);
    expect(count(html, /<!--/g)).toBe(0);
    // Ours: one heading per migration.
    expect(count(html, /<h[1-6]\b/g)).toBe(1);
    expect(count(html, /<h4\b/g)).toBe(1);
    expect(count(html, /<(del|ol|sup|blockquote|hr)\b/g)).toBe(0);
    // The one emphasis is the runbook's own advice about idle-in-transaction blockers.
    expect([...html.matchAll(/<em>([\s\S]*?)<\/em>/g)].map((m) => m[1])).toEqual(['idle in transaction']);
    expect(outsideCode(html)).not.toMatch(/(^|[^\w\u200d])@[A-Za-z0-9]/);
    // The statements table: a header and three rows, four cells each.
    const rows = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => count(m[1]!, /<t[dh]\b/g));
    expect(rows).toEqual([4, 4, 4, 4]);
    // The file path stays one code span in its heading, whole.
    const heading = html.match(/<h4>([\s\S]*?)<\/h4>/)![1]!;
    expect(heading).toMatch(/^<code>[^<]*<\/code>$/);
  });
});
