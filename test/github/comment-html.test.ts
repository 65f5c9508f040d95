import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { marked } from 'marked';
import { runCheck } from '../../src/cli/check.js';
import { commentBody } from '../../src/github/publish.js';
import { REPO_ROOT } from '../helpers.js';

/**
 * The PR comment for the seed's three incidents, rendered to HTML by a GitHub-flavoured markdown
 * renderer: the table, the collapsible findings and the Mermaid fence must come out whole.
 */
const SHOP = join(REPO_ROOT, 'examples', 'shop');
const incidents = ['000002_orders_status_index.up.sql', '000003_order_items_fk.up.sql', '000004_backfill_tenant.up.sql'].map((f) => join(SHOP, 'db', 'migrations', f));

describe('the PR comment as GitHub renders it', () => {
  it('has a well-formed table, balanced details blocks and a Mermaid fence', async () => {
    const { review } = await runCheck({ paths: incidents, root: SHOP, format: 'markdown', failOn: 'block', color: false });
    const body = commentBody(review, 'f'.repeat(40), { docsUrl: null } as never);
    const html = await marked.parse(body, { gfm: true });
    expect(html.match(/<table>/g)?.length).toBeGreaterThanOrEqual(1);
    expect(html).toContain('<th>Category</th>');
    expect((html.match(/<td>/g) ?? []).length).toBeGreaterThanOrEqual(8 * 4);
    expect((html.match(/<details/g) ?? []).length).toBe((html.match(/<\/details>/g) ?? []).length);
    expect(html).toMatch(/<code class="language-mermaid">gantt\n/);
    expect(html).not.toMatch(/```/); // every fence closed
    expect(body).toContain('[safe pattern: create-index-concurrently](https://unpkg.com/migration-review@');
  });
});
