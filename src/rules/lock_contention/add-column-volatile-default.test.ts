import { testRule } from '../../../test/rule-tester.js';
import rule from './add-column-volatile-default.js';

testRule(rule, {
  valid: [
    { sql: 'ALTER TABLE orders ADD COLUMN archived boolean NOT NULL DEFAULT false;', tables: { orders: 80_000_000 }, name: 'constant default is catalog-only on PG 11+' },
    { sql: 'ALTER TABLE orders ADD COLUMN seen_at timestamptz DEFAULT now();', tables: { orders: 80_000_000 }, name: 'now() is STABLE: evaluated once' },
    'ALTER TABLE orders ADD COLUMN public_id uuid;',
    'CREATE TABLE t (id int);\nALTER TABLE t ADD COLUMN u uuid DEFAULT gen_random_uuid();',
  ],
  invalid: [
    { sql: 'ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();', tables: { orders: 80_000_000 }, errors: [{ messageId: 'rewrite', status: 'BLOCK', message: /gen_random_uuid/ }] },
    { sql: 'ALTER TABLE orders ADD COLUMN n bigserial;', errors: [{ messageId: 'rewrite', status: 'FLAG', message: /^Verify: size of orders/ }] },
    { sql: 'ALTER TABLE orders ADD COLUMN n int GENERATED ALWAYS AS IDENTITY;', tables: { orders: 1_000_000 }, errors: [{ messageId: 'rewrite', status: 'BLOCK' }] },
    { sql: 'ALTER TABLE orders ADD COLUMN archived boolean DEFAULT false;', tables: { orders: 1_000_000 }, config: { postgres: 10 }, errors: [{ messageId: 'rewrite', message: /before PostgreSQL 11/ }], name: 'any default rewrites before PG 11' },
    {
      sql: 'ALTER TABLE orders ADD COLUMN archived boolean NOT NULL DEFAULT false;',
      schema: 'CREATE TABLE orders (id bigint PRIMARY KEY);',
      tables: { orders: 30_000_000 },
      config: { postgres: 10 },
      trace: true,
      errors: [{ messageId: 'rewrite', status: 'BLOCK', message: /before PostgreSQL 11/ }],
      name: 'the trace (a recent PostgreSQL) seeing no rewrite does not clear it on a PG 10 target',
    },
  ],
});
