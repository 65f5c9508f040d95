import { describe, expect, it } from '@jest/globals';
import { renderJson } from '../../src/render/json.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderText } from '../../src/render/text.js';
import { reviewWithTrace } from './helpers.js';

describe('the trace, rendered', () => {
  const files = {
    'migrations/000001_init.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nCREATE TABLE payments (id bigint PRIMARY KEY, order_id bigint);',
    'migrations/000002_change.up.sql':
      "SET lock_timeout = '3s';\nCREATE INDEX idx_orders_status ON orders (status);\nALTER TABLE payments ADD COLUMN note text;\nALTER TABLE orders ADD COLUMN uid uuid DEFAULT gen_random_uuid();",
    'migrations/000002_change.down.sql': 'DROP INDEX idx_orders_status;',
  };
  const run = () => reviewWithTrace(files, ['migrations/000002_change.up.sql'], { tables: { orders: { rows: 80_000_000 }, payments: { rows: 5_000_000 } } });

  it('JSON carries the trace per statement, extra to the contract', async () => {
    const json = JSON.parse(renderJson(await run())) as { schemaVersion: number; trace: { files: { statements: { line: number; locks: { relation: string; mode: string }[] }[] }[] } };
    expect(json.schemaVersion).toBe(1);
    expect(json.trace.files[0]!.statements.map((s) => s.line)).toEqual([1, 2, 3, 4]);
    expect(json.trace.files[0]!.statements[1]!.locks).toEqual([expect.objectContaining({ relation: 'orders', mode: 'ShareLock', heldUntilLine: 4 })]);
  });
  it('the PR comment gets a Mermaid timeline of locks per table, write-blocking ones marked', async () => {
    const md = renderMarkdown(await run());
    expect(md).toContain('<summary><b>Lock trace</b>');
    expect(md).toContain('```mermaid\ngantt');
    expect(md).toMatch(/section orders\n {4}Share \(line 2\) :crit, 1, 4/);
    expect(md).toMatch(/section payments\n {4}AccessExclusive \(line 3\) :crit, 2, 4/);
    expect(md).toContain('**Trace:** ShareLock on orders, held until line 4');
    expect(md).toMatch(/Rollback `migrations\/000002_change.down.sql`: the down leaves \d+ difference/);
  });
  it('a data-only migration is not said to have its schema restored', async () => {
    const backfill = {
      'migrations/000001_init.up.sql': files['migrations/000001_init.up.sql'],
      'migrations/000002_backfill.up.sql': "UPDATE orders SET status = 'open' WHERE status IS NULL;",
      'migrations/000002_backfill.down.sql': '-- the old NULLs cannot be told apart',
    };
    const md = renderMarkdown(await reviewWithTrace(backfill, ['migrations/000002_backfill.up.sql']));
    expect(md).toContain('Rollback `migrations/000002_backfill.down.sql`: the up changes no schema, so there is none to restore (data is not compared)');
  });
  it('the terminal gets a compact table', async () => {
    const text = renderText(await run());
    expect(text).toMatch(/Lock trace \(pglite, [\d.]+ s; base: 1 earlier migration/);
    expect(text).toMatch(/ {7}2 {2}CREATE INDEX idx_orders_status ON orders \(statu… {2}Share orders → line 4/);
    expect(text).toMatch(/ {7}4 .*REWRITE orders/);
  });
});
