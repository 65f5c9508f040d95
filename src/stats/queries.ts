/**
 * The catalog and statistics queries `migration-review stats` runs: catalogs and pg_stat views
 * only, never a user table, so the run reads no row data and moves no table's counters.
 */

/** User schemas: not the catalogs, TOAST or other sessions' temporary schemas. */
const USER_SCHEMA = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'`;

/**
 * The server, and since when its counters count: stats_reset, or the server's start when they
 * were never reset (PostgreSQL 15 keeps them across a clean restart and drops them, reset time
 * and all, after a crash — so they go back at least to the start).
 */
export const SERVER_SQL = `
SELECT current_setting('server_version_num')::int AS version_num,
       pg_is_in_recovery() AS replica,
       current_user AS role,
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
       pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS reads_all_stats,
       coalesce((SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()), pg_postmaster_start_time()) AS counting_since,
       clock_timestamp() AS now`;

/**
 * Every table, partitioned parent and materialized view, with its partition ancestors (leaf
 * figures are added up into them: a partitioned parent has no storage or counters of its own).
 * Sizes go through pg_relation_size, which takes ACCESS SHARE on each relation and releases it as
 * soon as the size is read (not at commit: checked on PostgreSQL 15), so a migration never queues
 * behind the run; one already holding ACCESS EXCLUSIVE makes it wait, and lock_timeout ends that.
 */
export const TABLES_SQL = `
SELECT c.oid::bigint AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
       c.reltuples::float8 AS reltuples,
       CASE WHEN c.relkind = 'p' THEN 0 ELSE pg_total_relation_size(c.oid) END AS total_bytes,
       CASE WHEN c.relkind = 'p' THEN 0 ELSE pg_relation_size(c.oid) END AS heap_bytes,
       s.n_live_tup AS live, s.n_dead_tup AS dead,
       s.n_tup_ins + s.n_tup_upd + s.n_tup_del AS writes,
       CASE WHEN c.relispartition THEN ARRAY(SELECT a.relid::bigint FROM pg_partition_ancestors(c.oid) a WHERE a.relid <> c.oid) ELSE '{}'::bigint[] END AS ancestors
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'p', 'm') AND ${USER_SCHEMA}`;

/** The write counters alone, for the second sample. */
export const WRITES_SQL = `
SELECT s.relid::bigint AS oid, s.n_tup_ins + s.n_tup_upd + s.n_tup_del AS writes, clock_timestamp() AS now
FROM pg_stat_all_tables s
JOIN pg_namespace n ON n.nspname = s.schemaname
WHERE ${USER_SCHEMA}`;

/** Every index with its scans on this server; partitioned indexes get their partitions' scans added up, as tables do. */
export const INDEXES_SQL = `
SELECT i.indexrelid::bigint AS oid, n.nspname AS schema, ic.relname AS name, tn.nspname AS table_schema, t.relname AS table_name,
       i.indisunique AS unique, coalesce(s.idx_scan, 0) AS scans,
       CASE WHEN ic.relkind = 'I' THEN 0 ELSE pg_relation_size(i.indexrelid) END AS bytes,
       CASE WHEN ic.relispartition THEN ARRAY(SELECT a.relid::bigint FROM pg_partition_ancestors(ic.oid) a WHERE a.relid <> ic.oid) ELSE '{}'::bigint[] END AS ancestors
FROM pg_index i
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_namespace n ON n.oid = ic.relnamespace
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_namespace tn ON tn.oid = t.relnamespace
LEFT JOIN pg_stat_all_indexes s ON s.indexrelid = i.indexrelid
WHERE ${USER_SCHEMA}`;

/** Where pg_stat_statements is installed, if it is. */
export const STATEMENTS_EXTENSION_SQL = `SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'pg_stat_statements'`;

/** The most-run statements; the view's schema is quoted by regnamespace's text form. */
export const statementsSql = (schema: string): string => `
SELECT query, sum(calls)::bigint AS calls, sum(total_exec_time) / nullif(sum(calls), 0) AS mean_ms
FROM ${schema}.pg_stat_statements
WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query <> '<insufficient privilege>'
GROUP BY query
ORDER BY sum(total_exec_time) DESC
LIMIT 500`;
