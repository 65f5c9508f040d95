import { testRule } from '../../../test/rule-tester.js';
import rule from './irreversible-down.js';

testRule(rule, {
  valid: [
    { sql: 'ALTER TABLE users ADD COLUMN note text;', down: 'ALTER TABLE users DROP COLUMN note;' },
    { sql: 'CREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);', down: 'DROP TABLE t;', name: 'dropping the table undoes its index' },
    { sql: 'ALTER TABLE users DROP COLUMN legacy_id;', name: 'no down at all is missing-down, not this rule' },
    {
      sql: 'ALTER TABLE users DROP COLUMN legacy_id;',
      down: 'ALTER TABLE users ADD COLUMN legacy_id bigint;',
      name: 'a plain drop is judged by drop-column (by the application code), not here',
    },
    {
      schema: 'CREATE TABLE invoices (id bigint PRIMARY KEY, amount integer);',
      sql: 'ALTER TABLE invoices ALTER COLUMN amount TYPE bigint;',
      down: 'ALTER TABLE invoices ALTER COLUMN amount TYPE bigint;',
      name: 'a down that keeps the wider type loses nothing',
    },
    {
      name: 'values saved by the up and written back by the down',
      schema: 'CREATE TABLE users (id bigint PRIMARY KEY, legacy_id bigint);',
      sql: 'CREATE TABLE users_legacy_id_archive AS SELECT id, legacy_id FROM users WHERE legacy_id IS NOT NULL;\nALTER TABLE users DROP COLUMN legacy_id;',
      down: 'ALTER TABLE users ADD COLUMN legacy_id bigint;\nUPDATE users u SET legacy_id = a.legacy_id FROM users_legacy_id_archive a WHERE a.id = u.id;\nDROP TABLE users_legacy_id_archive;',
    },
    {
      name: 'partition indexes attached to the parent index are dropped with it',
      schema: 'CREATE TABLE m (id int, at date) PARTITION BY RANGE (at);\nCREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM (\'2024-01-01\') TO (\'2025-01-01\');',
      sql: 'CREATE INDEX m_id ON ONLY m (id);\nCREATE INDEX m_2024_id ON m_2024 (id);\nALTER INDEX m_id ATTACH PARTITION m_2024_id;',
      down: 'DROP INDEX IF EXISTS m_id;',
    },
    {
      name: 'a constraint the up drops and the down adds back',
      schema: 'CREATE TABLE orders (id bigint PRIMARY KEY, note text);\nALTER TABLE orders ADD CONSTRAINT orders_note_nn CHECK (note IS NOT NULL);',
      sql: 'ALTER TABLE orders ALTER COLUMN note SET NOT NULL;\nALTER TABLE orders DROP CONSTRAINT orders_note_nn;',
      down: 'ALTER TABLE orders ADD CONSTRAINT orders_note_nn CHECK (note IS NOT NULL) NOT VALID;\nALTER TABLE orders ALTER COLUMN note DROP NOT NULL;',
    },
    {
      name: 'an index the up drops and the down rebuilds',
      schema: 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nCREATE INDEX orders_status_idx ON orders (status);',
      sql: 'DROP INDEX orders_status_idx;',
      down: 'CREATE INDEX orders_status_idx ON orders (status);',
    },
  ],
  invalid: [
    {
      name: 'the CHECK the up drops is not re-created by the down',
      schema: 'CREATE TABLE orders (id bigint PRIMARY KEY, note text);\nALTER TABLE orders ADD CONSTRAINT orders_note_nn CHECK (note IS NOT NULL);',
      sql: 'ALTER TABLE orders ALTER COLUMN note SET NOT NULL, DROP CONSTRAINT orders_note_nn;',
      down: 'ALTER TABLE orders ALTER COLUMN note DROP NOT NULL;',
      errors: [{ messageId: 'notRestored', status: 'FLAG', message: /drops constraint orders_note_nn on orders, but the down script does not re-create it/ }],
    },
    {
      name: 'the index the up drops is not rebuilt by the down',
      schema: 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nCREATE INDEX orders_status_idx ON orders (status);',
      sql: 'DROP INDEX orders_status_idx;\nALTER TABLE orders ADD COLUMN note text;',
      down: 'ALTER TABLE orders DROP COLUMN note;',
      errors: [{ messageId: 'notRestored', line: 1, message: /index orders_status_idx/ }],
    },
    {
      name: 'a partition index that was never attached is left behind by dropping the parent index',
      schema: 'CREATE TABLE m (id int, at date) PARTITION BY RANGE (at);\nCREATE TABLE m_2024 PARTITION OF m FOR VALUES FROM (\'2024-01-01\') TO (\'2025-01-01\');',
      sql: 'CREATE INDEX m_id ON ONLY m (id);\nCREATE INDEX m_2024_id ON m_2024 (id);',
      down: 'DROP INDEX IF EXISTS m_id;',
      errors: [{ messageId: 'leftBehind', message: /index m_2024_id/ }],
    },
    {
      schema: 'CREATE TABLE invoices (id bigint PRIMARY KEY, amount integer);',
      sql: 'ALTER TABLE invoices ALTER COLUMN amount TYPE numeric(12,2);',
      down: 'ALTER TABLE invoices ALTER COLUMN amount TYPE integer;',
      errors: [{ messageId: 'lossyDown', status: 'BLOCK', message: /invoices.amount back from numeric\(12,2\) to integer/ }],
      name: 'a down that casts numeric back to integer rounds every value written since',
    },
    { sql: 'CREATE TABLE audit (id int);', down: 'SELECT 1;', errors: [{ messageId: 'leftBehind', message: /table audit/ }] },
    {
      name: 'a down that renames the column back first, then narrows it',
      schema: 'CREATE TABLE orders (id bigint PRIMARY KEY, total_cents bigint);',
      sql: 'ALTER TABLE orders ALTER COLUMN total_cents TYPE numeric(14,2);\nALTER TABLE orders RENAME COLUMN total_cents TO total;',
      down: 'ALTER TABLE orders RENAME COLUMN total TO total_cents;\nALTER TABLE orders ALTER COLUMN total_cents TYPE bigint;',
      errors: [{ messageId: 'lossyDown', status: 'BLOCK', message: /orders.total back from numeric\(14,2\) to bigint/ }],
    },
    {
      name: 'saved, but the down never writes the values back',
      schema: 'CREATE TABLE users (id bigint PRIMARY KEY, legacy_id bigint);',
      sql: 'CREATE TABLE users_legacy_id_archive AS SELECT id, legacy_id FROM users;\nALTER TABLE users DROP COLUMN legacy_id;',
      down: 'ALTER TABLE users ADD COLUMN legacy_id bigint;',
      errors: [{ messageId: 'dataLost' }],
    },
  ],
});
