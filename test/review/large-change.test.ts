import { performance } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../../src/config/schema.js';
import type { MigrationFile } from '../../src/core/types.js';
import { review } from '../../src/review/analyze.js';
import { loadParser } from '../../src/sql/parse.js';

/**
 * Issue #17 item 12: 100k `CREATE TABLE tN (id int);` (3 MB, under the 5 MB parse limit) took
 * 128 s of static analysis, quadratic in the statements (the engine copied every table name per
 * CREATE TABLE; the catalog scanned every table to name each primary key index). The static
 * review must grow linearly: four times the statements may cost about four times the time, never
 * sixteen. Ratios, not absolute times, so that a loaded 2-core machine does not decide the result.
 */
function migration(sql: string): MigrationFile {
  return {
    path: 'db/migrations/000001_many.up.sql',
    framework: 'golang-migrate',
    version: '000001',
    name: 'many',
    set: 'db/migrations',
    upSql: sql,
    upStartLine: 1,
    order: 0,
    down: null,
    expectsDown: false,
    txMode: 'implicit',
    txReason: 'one query string',
  };
}

/** The static review (parse, catalog, every rule, policy) of `count` statements; the best of two runs, in ms. */
async function reviewTime(template: (i: number) => string, count: number): Promise<{ ms: number; statements: number }> {
  const sql = Array.from({ length: count }, (_, i) => template(i)).join('\n');
  const file = migration(sql);
  let best = Infinity;
  let statements = 0;
  for (let run = 0; run < 2; run++) {
    const started = performance.now();
    const result = await review({ discovery: { migrations: [file], extras: [] }, change: new Set([file.path]), config: resolveConfig({}) });
    best = Math.min(best, performance.now() - started);
    statements = result.files[0]?.statements ?? 0;
  }
  return { ms: best, statements };
}

beforeAll(async () => {
  await loadParser();
  // Warm the JIT and the parser so the small run is not charged for them.
  await reviewTime((i) => `CREATE TABLE warm${i} (id int PRIMARY KEY);`, 2_000);
});

describe('static review time grows linearly with the statements of a change', () => {
  const shapes: { name: string; template: (i: number) => string; small: number }[] = [
    // The input.
    { name: 'CREATE TABLE tN (id int);', template: (i) => `CREATE TABLE t${i} (id int);`, small: 10_000 },
    // Each primary key's index is named after the relations that already exist.
    { name: 'CREATE TABLE tN (id int PRIMARY KEY);', template: (i) => `CREATE TABLE t${i} (id int PRIMARY KEY);`, small: 5_000 },
    // Each ack finds the statement below it and the findings it covers.
    {
      name: 'an ack above each CREATE INDEX',
      template: (i) => `-- migration-review: ack create-index-non-concurrently "built off-peak ${i}"\nCREATE INDEX i${i} ON orders (c);`,
      small: 5_000,
    },
  ];
  for (const { name, template, small } of shapes) {
    it(`${name}: ${small * 4} statements cost under 8 times ${small}`, async () => {
      const few = await reviewTime(template, small);
      const many = await reviewTime(template, small * 4);
      expect(few.statements).toBe(small);
      expect(many.statements).toBe(small * 4);
      // Linear: about 4. Quadratic: about 16.
      expect(many.ms / few.ms).toBeLessThan(8);
    }, 120_000);
  }
});

describe('acks that cannot apply', () => {
  it('are one problem per ack, not one per BLOCK it stands above (100 file-wide acks over 100 BLOCKs: 100, not 10,000)', async () => {
    const acks = Array.from({ length: 100 }, (_, i) => `-- migration-review: ack create-index-non-concurrently "reason ${i}"`);
    const indexes = Array.from({ length: 100 }, (_, i) => `CREATE INDEX i${i} ON orders (c);`);
    const file = migration([...acks, ...indexes].join('\n'));
    const result = await review({
      discovery: { migrations: [file], extras: [] },
      change: new Set([file.path]),
      config: resolveConfig({ tables: { orders: { rows: 80_000_000 } } }),
    });
    expect(result.findings.filter((f) => f.rule === 'create-index-non-concurrently' && f.status === 'BLOCK' && !f.acknowledged)).toHaveLength(100);
    const invalid = result.findings.filter((f) => f.rule === 'invalid-ack');
    expect(invalid.map((f) => f.line)).toEqual(acks.map((_, i) => i + 1));
  });
});
