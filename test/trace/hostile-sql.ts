/**
 * Hostile migration SQL, each with the outcome it must have wherever the trace runs (PGlite, or a
 * real PostgreSQL as a role with CREATEDB only):
 *
 * - `refused`: the sandbox does not run it; a not-traced FLAG says why (`reason`);
 * - `contained`: it runs (or PostgreSQL rejects it) and nothing reaches past the throwaway
 *   database — the tests then check the file system, the role's settings, a bystander session of
 *   the same role and the server for leftovers;
 * - `stopped`: the trace's time limit ends it (a not-traced BLOCK), and the process goes on.
 *
 * `{bystander}` is replaced by the pid of another session of the trace's role (0 on PGlite).
 */
export interface HostileSql {
  name: string;
  sql: string;
  outcome: 'refused' | 'contained' | 'stopped';
  reason?: RegExp;
  /** For contained on a real server: the SQLSTATE PostgreSQL stops it with (42501: the role lacks the right). */
  code?: string;
  /** Only where the input means something: signals and sessions exist on a real server only. */
  only?: 'postgres';
}

/** A file nothing may create. */
export const PWNED = `/tmp/migration-review-pwned-${process.pid}`;

export const HOSTILE_SQL: HostileSql[] = [
  // Programs, files, other servers.
  { name: 'COPY TO PROGRAM', sql: `COPY imports TO PROGRAM 'touch ${PWNED}';`, outcome: 'refused', reason: /COPY … PROGRAM runs a shell command/ },
  { name: 'COPY FROM PROGRAM, dollar-quoted', sql: `COPY imports FROM PROGRAM $p$curl -s http://169.254.169.254/$p$;`, outcome: 'refused', reason: /COPY … PROGRAM/ },
  { name: 'COPY to a server file', sql: `COPY imports TO '${PWNED}';`, outcome: 'refused', reason: /COPY with a file name/ },
  { name: 'COPY FROM STDIN with no rows', sql: 'COPY imports FROM STDIN;', outcome: 'refused', reason: /COPY … FROM STDIN needs rows/ },
  { name: 'pg_read_file', sql: "SELECT pg_read_file('/etc/passwd');", outcome: 'refused', reason: /pg_read_file\(\) reads a file/ },
  { name: 'pg_read_binary_file, qualified', sql: "SELECT pg_catalog.pg_read_binary_file('/etc/passwd');", outcome: 'refused', reason: /pg_read_binary_file\(\)/ },
  { name: 'pg_ls_dir', sql: "SELECT pg_ls_dir('.');", outcome: 'refused', reason: /lists a directory/ },
  { name: 'pg_stat_file', sql: "SELECT pg_stat_file('postgresql.conf');", outcome: 'refused', reason: /inspects a file/ },
  { name: 'lo_import', sql: "SELECT lo_import('/etc/passwd');", outcome: 'refused', reason: /lo_import\(\) reads a server file/ },
  { name: 'lo_export of lo_from_bytea', sql: `SELECT lo_export(lo_from_bytea(0, 'x'), '${PWNED}');`, outcome: 'refused', reason: /lo_export\(\)|lo_from_bytea\(\)/ },
  { name: 'an operator over lo_export', sql: 'CREATE OPERATOR ### (FUNCTION = lo_export, LEFTARG = oid, RIGHTARG = text);', outcome: 'refused', reason: /sets up a later call of lo_export\(\)/ },
  { name: 'an operator over pg_read_file', sql: 'CREATE OPERATOR ## (PROCEDURE = pg_catalog.pg_read_file, RIGHTARG = text);', outcome: 'refused', reason: /sets up a later call of pg_read_file\(\)/ },
  { name: 'a cast over pg_read_file', sql: 'CREATE CAST (text AS int) WITH FUNCTION pg_read_file(text);', outcome: 'refused', reason: /sets up a later call of pg_read_file\(\)/ },
  { name: 'an aggregate over lo_from_bytea', sql: 'CREATE AGGREGATE steal (bytea) (SFUNC = lo_from_bytea, STYPE = oid);', outcome: 'refused', reason: /sets up a later call of lo_from_bytea\(\)/ },
  { name: 'pg_read_file renamed to something innocent', sql: 'ALTER FUNCTION pg_catalog.pg_read_file(text) RENAME TO innocent;', outcome: 'refused', reason: /sets up a later call of pg_read_file\(\)/ },
  { name: 'an SQL function reading a file', sql: "CREATE FUNCTION leak() RETURNS text LANGUAGE sql AS $$ SELECT pg_read_file('/etc/passwd') $$;", outcome: 'refused', reason: /pg_read_file/ },
  {
    name: 'a PL/pgSQL function running COPY … PROGRAM through EXECUTE',
    sql: `CREATE FUNCTION leak() RETURNS void LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'COPY imports TO PROGRAM ' || quote_literal('touch ${PWNED}'); END $$;`,
    outcome: 'refused',
    reason: /names PROGRAM/,
  },
  { name: 'query_to_xml running a file read', sql: "SELECT query_to_xml('select pg_read_file(''/etc/passwd'')', true, false, '');", outcome: 'refused', reason: /query_to_xml\(\) runs SQL given as text/ },
  { name: 'query_to_xml_and_xmlschema', sql: "SELECT query_to_xml_and_xmlschema('select 1', true, false, '');", outcome: 'refused', reason: /runs SQL given as text/ },
  { name: 'cursor_to_xml', sql: "SELECT cursor_to_xml('c', 1, true, false, '');", outcome: 'refused', reason: /runs SQL given as text/ },
  { name: 'table_to_xml', sql: "SELECT table_to_xml('imports', true, false, '');", outcome: 'refused', reason: /reads whole tables/ },
  { name: 'database_to_xml', sql: "SELECT database_to_xml(true, false, '');", outcome: 'refused', reason: /reads whole tables/ },
  { name: 'ts_stat running SQL text', sql: "SELECT * FROM ts_stat('select to_tsvector(pg_read_file(''/etc/passwd''))');", outcome: 'refused', reason: /runs SQL given as text/ },
  { name: 'dblink', sql: "SELECT dblink_connect('host=127.0.0.1 dbname=postgres');", outcome: 'refused', reason: /connects to another server/ },
  { name: 'CREATE EXTENSION dblink', sql: 'CREATE EXTENSION dblink;', outcome: 'refused', reason: /extension dblink reaches outside/ },
  { name: 'a foreign server', sql: "CREATE SERVER other FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1');", outcome: 'refused', reason: /foreign server/ },
  { name: 'CREATE SUBSCRIPTION', sql: "CREATE SUBSCRIPTION s CONNECTION 'host=127.0.0.1 dbname=postgres' PUBLICATION p;", outcome: 'refused', reason: /subscription opens a connection/ },
  { name: 'a C function', sql: "CREATE FUNCTION f() RETURNS int LANGUAGE c AS '/tmp/evil.so', 'f';", outcome: 'refused', reason: /untrusted language c/ },
  { name: 'LOAD a library', sql: "LOAD 'auto_explain';", outcome: 'refused', reason: /LOAD loads a shared library/ },
  { name: 'a replication slot that keeps WAL', sql: "SELECT pg_create_physical_replication_slot('keep_wal');", outcome: 'refused', reason: /replication slot/ },
  // The server's configuration, other databases, roles, sessions.
  { name: 'ALTER SYSTEM', sql: "ALTER SYSTEM SET work_mem = '1MB';", outcome: 'refused', reason: /ALTER SYSTEM changes the server's configuration/ },
  { name: 'ALTER DATABASE other SET', sql: "ALTER DATABASE postgres SET default_transaction_read_only = on;", outcome: 'refused', reason: /ALTER DATABASE … SET acts on a database/ },
  { name: 'ALTER DATABASE RENAME', sql: 'ALTER DATABASE postgres RENAME TO gone;', outcome: 'refused', reason: /renames or gives away a database/ },
  { name: 'CREATE DATABASE', sql: 'CREATE DATABASE other;', outcome: 'refused', reason: /CREATE DATABASE acts outside/ },
  { name: 'CHECKPOINT', sql: 'CHECKPOINT;', outcome: 'refused', reason: /CHECKPOINT/ },
  {
    name: 'ALTER ROLE … SET through EXECUTE',
    sql: "DO $$ BEGIN EXECUTE 'ALTER ROLE ' || quote_ident(current_user) || ' SET default_transaction_read_only = on'; END $$;",
    outcome: 'refused',
    reason: /names ALTER ROLE/,
  },
  { name: 'ALTER ROLE … SET in a DO block', sql: 'DO $$ BEGIN ALTER ROLE CURRENT_USER SET statement_timeout = 1; END $$;', outcome: 'refused', reason: /ALTER ROLE/ },
  { name: 'pg_terminate_backend', sql: 'SELECT pg_terminate_backend({bystander});', outcome: 'refused', reason: /pg_terminate_backend\(\) stops other sessions/ },
  { name: 'pg_cancel_backend of every session', sql: 'SELECT pg_cancel_backend(pid) FROM pg_stat_activity;', outcome: 'refused', reason: /pg_cancel_backend\(\) cancels other sessions/ },
  { name: 'pg_terminate_backend in a DO block', sql: 'DO $$ BEGIN PERFORM pg_terminate_backend({bystander}); END $$;', outcome: 'refused', reason: /pg_terminate_backend/ },
  { name: 'pg_reload_conf', sql: 'SELECT pg_reload_conf();', outcome: 'refused', reason: /reloads the server's configuration/ },
  { name: 'pg_rotate_logfile', sql: 'SELECT pg_rotate_logfile();', outcome: 'refused', reason: /rotates the server's log/ },
  // Settings under which the server reads a statement differently from the review.
  { name: 'standard_conforming_strings off', sql: 'SET standard_conforming_strings = off;', outcome: 'refused', reason: /standard_conforming_strings to 'off' makes the server read later statements differently/ },
  { name: 'client_encoding SJIS', sql: "SET client_encoding = 'SJIS';", outcome: 'refused', reason: /client_encoding to 'SJIS'/ },
  { name: 'SET NAMES GBK', sql: "SET NAMES 'GBK';", outcome: 'refused', reason: /client_encoding to 'GBK'/ },
  { name: 'backslash_quote on', sql: 'SET backslash_quote = on;', outcome: 'refused', reason: /backslash_quote/ },
  { name: 'set_config of standard_conforming_strings', sql: "SELECT set_config('standard_conforming_strings', 'off', false);", outcome: 'refused', reason: /standard_conforming_strings/ },
  // Waiting and spinning.
  { name: 'pg_sleep(1e6)', sql: 'SELECT pg_sleep(1e6);', outcome: 'refused', reason: /pg_sleep\(1000000\) waits longer/ },
  { name: 'pg_sleep_for', sql: "SELECT pg_sleep_for('1 hour');", outcome: 'refused', reason: /waits on purpose/ },
  { name: 'an endless DO loop', sql: 'DO $$ BEGIN LOOP END LOOP; END $$;', outcome: 'stopped' },
  {
    name: 'a DO loop that catches query_canceled around pg_sleep',
    sql: 'DO $$ BEGIN LOOP BEGIN PERFORM pg_sleep(0.5); EXCEPTION WHEN query_canceled THEN NULL; END; END LOOP; END $$;',
    outcome: 'stopped',
  },
  { name: 'a DO loop that lifts its own statement_timeout', sql: "DO $$ BEGIN PERFORM set_config('statement_timeout', '0', true); LOOP END LOOP; END $$;", outcome: 'stopped' },
  { name: 'an endless recursive CTE', sql: 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r;', outcome: 'stopped' },
  { name: 'counting to 1e10', sql: 'SELECT count(*) FROM generate_series(1, 1e10);', outcome: 'stopped' },
  // What a role with CREATEDB only cannot do, tried where the review cannot see it.
  {
    name: 'COPY … PROGRAM built with format()',
    sql: `DO $$ BEGIN EXECUTE format('COPY imports TO %s %L', 'PRO' || 'GRAM', 'touch ${PWNED}'); END $$;`,
    outcome: 'contained',
    code: '42501',
    only: 'postgres',
  },
  { name: 'pg_read_file built at run time', sql: "DO $$ BEGIN EXECUTE format('SELECT %s(%L)', 'pg_read_' || 'file', '/etc/passwd'); END $$;", outcome: 'contained', code: '42501', only: 'postgres' },
  { name: 'SET ROLE to the superuser', sql: 'SET ROLE postgres;', outcome: 'contained', code: '42501', only: 'postgres' },
  { name: 'GRANT of a server role to itself', sql: 'GRANT pg_execute_server_program TO CURRENT_USER;', outcome: 'contained' },
  { name: 'CREATE ROLE … SUPERUSER', sql: 'CREATE ROLE evil SUPERUSER LOGIN;', outcome: 'contained' },
  { name: 'an identifier that looks like SQL', sql: 'CREATE TABLE "x; DROP DATABASE postgres; --" (id int);', outcome: 'contained' },
  { name: 'a deep recursion', sql: "CREATE FUNCTION down(int) RETURNS int LANGUAGE sql AS 'SELECT down($1 + 1)';\nSELECT down(1);", outcome: 'contained', code: '54001', only: 'postgres' },
];
