import { testRule } from '../../../test/rule-tester.js';
import rule from './primary-key-using-nullable-index.js';

const nullable = 'CREATE TABLE events_archive (id bigint, kind text);\nCREATE UNIQUE INDEX CONCURRENTLY events_archive_id_key ON events_archive (id);';
const notNull = 'CREATE TABLE events_archive (id bigint NOT NULL, kind text);\nCREATE UNIQUE INDEX CONCURRENTLY events_archive_id_key ON events_archive (id);';
const attach = 'ALTER TABLE events_archive ADD CONSTRAINT events_archive_pkey PRIMARY KEY USING INDEX events_archive_id_key;';
const big = { events_archive: 60_000_000 };

testRule(rule, {
  valid: [
    { sql: attach, schema: notNull, tables: big, name: 'seed case goose/020: the column is already NOT NULL' },
    {
      sql: attach,
      schema: `${nullable}\nALTER TABLE events_archive ADD CONSTRAINT id_nn CHECK (id IS NOT NULL) NOT VALID;\nALTER TABLE events_archive VALIDATE CONSTRAINT id_nn;`,
      tables: big,
      name: 'a validated CHECK (id IS NOT NULL) proves it without a scan',
    },
    { sql: `ALTER TABLE events_archive ALTER COLUMN id SET NOT NULL;\n${attach}`, schema: nullable, tables: big, name: 'SET NOT NULL earlier in the file (set-not-null-full-scan judges that)' },
    { sql: attach, schema: nullable, tables: { events_archive: 5_000 }, name: 'small table' },
    { sql: `${nullable}\n${attach}`, tables: big, name: 'table new in the change' },
    { sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;', schema: 'CREATE TABLE users (email text);\nCREATE UNIQUE INDEX CONCURRENTLY users_email_idx ON users (email);', tables: { users: 60_000_000 }, name: 'UNIQUE USING INDEX sets no NOT NULL' },
  ],
  invalid: [
    { sql: `SET lock_timeout = '3s';\n${attach}`, schema: nullable, tables: big, errors: [{ messageId: 'scan', line: 2, status: 'BLOCK', message: /make id NOT NULL/ }], name: 'seed case goose/019: nullable id on 60M rows' },
    { sql: attach, schema: nullable, errors: [{ messageId: 'scan', status: 'FLAG', message: /^Verify: size of events_archive/ }], name: 'unknown size asks to verify' },
    {
      sql: 'ALTER TABLE memberships ADD CONSTRAINT memberships_pkey PRIMARY KEY USING INDEX memberships_key;',
      schema: 'CREATE TABLE memberships (org_id bigint NOT NULL, user_id bigint);\nCREATE UNIQUE INDEX CONCURRENTLY memberships_key ON memberships (org_id, user_id);',
      tables: { memberships: 30_000_000 },
      errors: [{ messageId: 'scan', status: 'BLOCK', message: /make user_id NOT NULL/ }],
      name: 'names only the nullable column of a composite key',
    },
  ],
});
