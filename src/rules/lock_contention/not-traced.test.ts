import { testRule } from '../../../test/rule-tester.js';
import rule from './not-traced.js';

// Raised by the lock trace: refusals happen before anything runs; a stopped statement is killed.
const schema = 'CREATE TABLE imports (id bigint PRIMARY KEY, body text);';

testRule(rule, {
  valid: [
    { schema, sql: "INSERT INTO imports VALUES (1, 'x');" },
    { schema, sql: 'SELECT pg_sleep(0.01);' },
    { name: 'naming a function is not calling it (supabase/postgres)', sql: 'ALTER FUNCTION pg_catalog.lo_import(text) OWNER TO postgres;' },
  ],
  invalid: [
    {
      schema,
      sql: "COPY imports FROM PROGRAM 'cat /etc/passwd';",
      errors: [{ messageId: 'refused', status: 'FLAG', message: /PROGRAM runs a shell command/ }],
    },
    { schema, sql: "SELECT pg_read_file('/etc/passwd');", errors: [{ messageId: 'refused', message: /reads a file on the database server/ }] },
    { schema, sql: 'SELECT pg_sleep(1000000);', errors: [{ messageId: 'refused', message: /waits longer than the trace allows/ }] },
    { schema, sql: "DO $$ BEGIN EXECUTE 'SELECT lo_import(''/etc/passwd'')'; END $$;", errors: [{ messageId: 'refused', message: /lo_import/ }] },
    {
      name: 'a value near 1 GB: past the embedded database memory limit',
      sql: "SELECT length(repeat('x', 900000000));",
      errors: [{ messageId: 'outOfMemory', status: 'BLOCK', message: /needed more than the trace's 1024 MB of memory/ }],
    },
    {
      name: 'a missing object',
      sql: 'ALTER TABLE users ADD COLUMN note text;',
      errors: [{ messageId: 'missing', message: /relation "users" does not exist/ }],
    },
  ],
});
