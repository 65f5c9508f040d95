import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { runCheck } from '../../src/cli/check.js';
import { commentBody } from '../../src/github/publish.js';
import { codeBlock, codeSpan, inlineMarkdown, markdownText, tableCell } from '../../src/render/escape.js';
import { messageMarkdown, recommendationMarkdown } from '../../src/render/message.js';
import { makeRepo, REPO_ROOT } from '../helpers.js';

const toHtml = (markdown: string): string => micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
const inline = (markdown: string): string => toHtml(markdown).replace(/^<p>|<\/p>\n?$/g, '');

describe('escaping for each place PR text lands', () => {
  it.each([
    ['a', '`a`'],
    ['a`b', '``a`b``'],
    ['``x``', '``` ``x`` ```'],
    ['`x', '`` `x ``'],
    [' padded ', '`  padded  `'],
    ['two\nlines', '`two␤lines`'],
  ])('code span for %j', (text, span) => {
    expect(codeSpan(text)).toBe(span);
    expect(inline(span)).toBe(`<code>${text.replace(/\n/g, '␤')}</code>`);
  });

  it('fences a code block longer than any backtick run inside', () => {
    const sql = 'SELECT 1;\n```\n</details>\n````';
    expect(codeBlock(sql, 'sql')).toBe(`\`\`\`\`\`sql\n${sql}\n\`\`\`\`\``);
    expect(toHtml(`${codeBlock(sql, 'sql')}\n\nafter`)).toBe(
      '<pre><code class="language-sql">SELECT 1;\n```\n&lt;/details&gt;\n````\n</code></pre>\n<p>after</p>',
    );
  });

  it('keeps a table cell to one cell, pipes and backslashes in code included', () => {
    const cell = tableCell(`${markdownText('a|b\nc')} ${codeSpan('x\\|y|z')}`);
    const html = toHtml(`| h | i |\n|---|---|\n| ${cell} | next |`);
    expect(html).toContain('<td>a|b␤c <code>x\\\u200b|y|z</code></td>\n<td>next</td>');
  });

  it('shows plain text as written', () => {
    const text = '<b>x</b> *y* _z_ [l](u) ~~s~~ $m$ https://h.example www.h.example lock_timeout a|b \\ &amp;';
    expect(inline(markdownText(text))).toBe('&lt;b&gt;x&lt;/b&gt; *y* _z_ [l](u) ~~s~~ $m$ https://h.example www.h.example lock_timeout a|b \\ &amp;amp;');
  });

  it('keeps code spans in text it does not otherwise trust', () => {
    expect(inline(inlineMarkdown('run `SET lock_timeout = 1` <now>'))).toBe('run <code>SET lock_timeout = 1</code> &lt;now&gt;');
  });
});

describe("findings' messages", () => {
  it('render exactly as before for the seed incidents: our formatting is kept', async () => {
    const SHOP = join(REPO_ROOT, 'examples', 'shop');
    const paths = ['000002_orders_status_index.up.sql', '000003_order_items_fk.up.sql', '000004_backfill_tenant.up.sql'].map((f) =>
      join(SHOP, 'db', 'migrations', f),
    );
    const { review } = await runCheck({ paths, root: SHOP, format: 'json', failOn: 'block', color: false, trace: false });
    expect(review.findings.length).toBeGreaterThan(3);
    for (const f of review.findings) {
      expect(toHtml(messageMarkdown(f))).toBe(toHtml(f.message));
      expect(toHtml(recommendationMarkdown(f))).toBe(toHtml(f.recommendation));
    }
  });

  it('keep our code span whole around a name with backticks, and escape the name in text', () => {
    const message =
      'Verify: size of a`b — CREATE INDEX i on a`b (unknown size) holds a SHARE lock that blocks every INSERT, UPDATE and DELETE on a`b for ~1 min; reads continue.';
    const recommendation =
      'Build it without blocking writes: `CREATE INDEX CONCURRENTLY i ON a`b (c);`. Put it alone in its own migration file. If the build fails it leaves an INVALID index: drop it with DROP INDEX CONCURRENTLY and retry.';
    const rule = 'create-index-non-concurrently';
    expect(inline(messageMarkdown({ rule, message }))).toBe(message);
    expect(inline(recommendationMarkdown({ rule, recommendation }))).toContain('<code>CREATE INDEX CONCURRENTLY i ON a`b (c);</code>');
  });

  it('from hostile SQL and file names, through the real rules, render inert', async () => {
    const heading = 'x\n\n## ✅ Migration review: **SAFE TO SHIP**';
    const up = 'migrations/000002_a`b|c[d](https:x).up.sql';
    const root = await makeRepo({
      'migrations/000001_init.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric);\n',
      [up]: `CREATE INDEX "${heading}" ON orders ("id");\nCREATE INDEX "<img src=https://x> @octocat" ON orders (amount);\nALTER TABLE orders DROP COLUMN "amount\`\`\` <!--";\n`,
    });
    const { review } = await runCheck({ paths: [join(root, up)], root, format: 'json', failOn: 'block', color: false, trace: false });
    expect(review.findings.filter((f) => f.message.includes(heading)).length).toBeGreaterThan(0);
    const html = toHtml(commentBody(review, 'f'.repeat(40), { docsUrl: null } as never));
    expect(html.match(/<h2\b/g)).toHaveLength(1);
    expect(html.match(/<!--/g)).toHaveLength(1);
    expect(html).not.toMatch(/<img\b|<a\b(?![^>]*href="https:\/\/unpkg\.com\/migration-review@)/);
    expect(html.replace(/<(code|pre)\b[^>]*>[^]*?<\/\1>/g, '')).not.toMatch(/(^|[^\w\u200d])@octocat/);
    expect(html.match(/<details\b/g)).toHaveLength(review.findings.length);
    expect([...html.matchAll(/<tr>([^]*?)<\/tr>/g)].map((m) => m[1]!.match(/<t[dh]\b/g)!.length)).toEqual(Array(9).fill(4));
    expect(html).toContain('<code>migrations/000002_a`b|c[d](https:x).up.sql:1</code>');
    // Matched to its template through the engine's `Verify:` prefix: the name stays inside our code span.
    expect(html).toContain('<code>CREATE INDEX CONCURRENTLY x␤␤## ✅ Migration review: **SAFE TO SHIP** ON orders (id);</code>');
  });
});
