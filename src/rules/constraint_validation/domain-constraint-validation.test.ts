import { testRule } from '../../../test/rule-tester.js';
import rule from './domain-constraint-validation.js';

const schema = 'CREATE DOMAIN positive_cents AS bigint;\nCREATE TABLE ledger_entries (id bigint PRIMARY KEY, amount positive_cents NOT NULL);\nCREATE TABLE refunds (id bigint PRIMARY KEY, amount positive_cents NOT NULL);';
const tables = { ledger_entries: 70_000_000, refunds: 2_000 };

testRule(rule, {
  valid: [
    { sql: 'ALTER DOMAIN positive_cents ADD CONSTRAINT c CHECK (VALUE > 0) NOT VALID;', schema, tables, name: 'NOT VALID checks no table' },
    { sql: 'ALTER DOMAIN positive_cents ADD CONSTRAINT c CHECK (VALUE > 0);', schema, tables: { ledger_entries: 1_000, refunds: 2_000 }, name: 'every table using it is small' },
    { sql: 'CREATE DOMAIN email AS text;\nCREATE TABLE users (id bigint, address email);\nALTER DOMAIN email ADD CONSTRAINT c CHECK (VALUE LIKE \'%@%\');', name: 'domain and table new in the change' },
    { sql: 'ALTER DOMAIN positive_cents ADD CONSTRAINT c CHECK (VALUE > 0);', schema: 'CREATE DOMAIN positive_cents AS bigint;\nCREATE TABLE ledger_entries (id bigint);', tables, name: 'a domain no table uses' },
    { sql: 'ALTER TABLE ledger_entries ADD COLUMN fee positive_cents;\nALTER DOMAIN positive_cents VALIDATE CONSTRAINT c;', schema: 'CREATE DOMAIN positive_cents AS bigint;\nCREATE TABLE ledger_entries (id bigint);', tables, name: 'only a column added in this change uses it' },
    { sql: 'ALTER DOMAIN positive_cents DROP CONSTRAINT c;', schema, tables, name: 'DROP CONSTRAINT checks nothing' },
  ],
  invalid: [
    {
      sql: 'ALTER DOMAIN positive_cents ADD CONSTRAINT positive_cents_check CHECK (VALUE > 0);',
      schema,
      tables,
      errors: [{ messageId: 'check', line: 1, status: 'BLOCK', message: /amount value of ledger_entries \(70M rows\) while holding SHARE/ }],
      name: 'seed case dbmate/013: validated ADD CONSTRAINT on a 70M-row table, the small one passes',
    },
    {
      sql: 'ALTER DOMAIN positive_cents VALIDATE CONSTRAINT positive_cents_check;',
      schema,
      tables,
      errors: [{ messageId: 'validate', status: 'BLOCK', message: /unlike ALTER TABLE … VALIDATE/ }],
      name: 'seed case goose/022: VALIDATE of a domain blocks writes',
    },
    { sql: 'ALTER DOMAIN positive_cents SET NOT NULL;', schema, errors: [{ messageId: 'check', status: 'FLAG', message: /^Verify: size of ledger_entries/ }, { messageId: 'check', status: 'FLAG', message: /^Verify: size of refunds/ }], name: 'SET NOT NULL, sizes unknown: one finding per table' },
    {
      sql: 'ALTER DOMAIN cents ADD CONSTRAINT c CHECK (VALUE >= 0);',
      schema: 'CREATE DOMAIN cents AS bigint;\nCREATE DOMAIN positive_cents AS cents;\nCREATE TABLE ledger_entries (id bigint, amount positive_cents);',
      tables,
      errors: [{ messageId: 'check', status: 'BLOCK' }],
      name: 'a domain over the domain inherits its constraint',
    },
    { sql: 'ALTER DOMAIN app.money ADD CONSTRAINT c CHECK (VALUE > 0);', errors: [{ messageId: 'unknownUsers', status: 'FLAG', message: /^Verify: which tables use the domain money/ }], name: 'a domain from before the visible history' },
  ],
});
