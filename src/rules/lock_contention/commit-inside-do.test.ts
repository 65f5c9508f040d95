import { testRule } from '../../../test/rule-tester.js';
import rule from './commit-inside-do.js';

const schema = 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);';
const batched = `DO $$
DECLARE
  done integer;
BEGIN
  LOOP
    UPDATE orders SET status = 'open' WHERE id IN (SELECT id FROM orders WHERE status = 'new' LIMIT 5000);
    GET DIAGNOSTICS done = ROW_COUNT;
    EXIT WHEN done = 0;
    COMMIT;
    PERFORM pg_sleep(0.2);
  END LOOP;
END
$$;`;
const procedure = `CREATE PROCEDURE backfill_status() LANGUAGE plpgsql AS $$
BEGIN
  UPDATE orders SET status = 'open' WHERE status = 'new';
  COMMIT;
END
$$;`;

testRule(rule, {
  valid: [
    { sql: batched, schema, txMode: 'none', name: 'seed case goose/028: NO TRANSACTION sends the DO block alone' },
    { sql: batched, schema, framework: 'golang-migrate', txMode: 'implicit', name: 'seed case golang-migrate/027: a lone statement runs outside a transaction' },
    { sql: "DO $$\nBEGIN\n  UPDATE orders SET status = 'open' WHERE status = 'new';\nEND\n$$;", schema, name: 'a DO block without COMMIT' },
    { sql: `${procedure}\n`, schema, name: 'defining a procedure runs nothing' },
    { sql: "DO $$\nBEGIN\n  RAISE NOTICE 'COMMIT; is only text here';\nEND\n$$;", name: 'COMMIT inside a string is not a COMMIT' },
  ],
  invalid: [
    { sql: batched, schema, errors: [{ messageId: 'fails', line: 1, status: 'BLOCK', message: /runs COMMIT, but this migration runs inside a transaction .* on orders/ }], name: 'seed case goose/029: the runner wraps the file' },
    {
      sql: `SET lock_timeout = '3s';\n${batched}`,
      schema,
      framework: 'golang-migrate',
      txMode: 'implicit',
      errors: [{ messageId: 'fails', line: 2, status: 'BLOCK' }],
      name: 'several statements in one query string are an implicit transaction',
    },
    { sql: 'DO $$\nBEGIN\n  DELETE FROM orders WHERE false;\n  ROLLBACK;\nEND\n$$;', schema, errors: [{ messageId: 'fails', status: 'BLOCK', message: /runs ROLLBACK/ }], name: 'ROLLBACK too' },
    { sql: `${procedure}\nCALL backfill_status();`, schema, txMode: 'per-file', errors: [{ messageId: 'fails', line: 7, status: 'BLOCK', message: /^CALL backfill_status\(\) runs COMMIT/ }], name: 'a called procedure that commits' },
    { sql: batched, schema, txMode: 'unknown', errors: [{ messageId: 'unknownRunner', status: 'FLAG', message: /^Verify: that the runner sends this migration alone/ }], name: 'unknown runner asks to verify' },
  ],
});
