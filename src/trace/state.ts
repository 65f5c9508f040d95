import { randomBytes } from 'node:crypto';
import { TraceEngineFailed, TraceKilled, type Executor } from './executor.js';

/**
 * What the trace reads back after each statement: the relation locks this session holds
 * (pg_locks) and every table's storage (pg_class.relfilenode: a new one is a rewrite).
 *
 * The read-back runs in the migration's own session, so the migration must not be able to steer
 * it. Every catalog object, function, type and operator is named with its schema (a view called
 * pg_class earlier on the search_path, or an operator of the same name, is never picked up, and
 * re-planning under the migration's search_path finds the same objects); relation names are built
 * from the catalog, not printed by regclass (whose output follows the search_path); the prepared
 * statements have random names, and are checked before each use, so a migration that replaces
 * them is caught and the trace marked untrusted.
 */

/** How regclass prints a name with the default search_path: unqualified in public, else schema-qualified. */
const NAME = `CASE WHEN n.nspname OPERATOR(pg_catalog.=) 'public' THEN pg_catalog.quote_ident(c.relname)
    ELSE pg_catalog.concat_ws('.', pg_catalog.quote_ident(n.nspname), pg_catalog.quote_ident(c.relname)) END`;
/** The user's schemas: not the catalogs, not TOAST. */
const USER_SCHEMA = `NOT (n.nspname OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog', 'information_schema']::pg_catalog.name[]))
    AND NOT (n.nspname OPERATOR(pg_catalog.~~) 'pg_toast%')`;

/** Tables with storage: a new relfilenode after a statement means it wrote the table anew. */
const USER_RELATIONS = `
  SELECT ${NAME} AS relation, c.relfilenode::pg_catalog.text AS filenode
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
  WHERE c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'm']::pg_catalog."char"[]) AND ${USER_SCHEMA}`;

/** Table-level locks of this session (indexes follow their table; catalogs are not the user's). */
const SESSION_LOCKS = `
  SELECT ${NAME} AS relation, l.mode
  FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) l.relation
    JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
  WHERE l.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid() AND l.locktype OPERATOR(pg_catalog.=) 'relation' AND l.granted
    AND ${USER_SCHEMA} AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'm']::pg_catalog."char"[])`;

/** After a statement: the session's table locks and every table's storage, in one round trip. */
const STATE = `
  SELECT (SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_array(l.relation, l.mode)), '[]'::pg_catalog.json) FROM (${SESSION_LOCKS}) l)::pg_catalog.text AS locks,
         (SELECT coalesce(pg_catalog.json_object_agg(r.relation, r.filenode), '{}'::pg_catalog.json) FROM (${USER_RELATIONS}) r)::pg_catalog.text AS nodes`;

/**
 * The state queries, prepared per session: planning them over the catalog views was ~5 ms of the
 * ~6 ms each took on PGlite, and they run after every traced statement.
 */
const QUERIES = { state: STATE, relations: USER_RELATIONS };
type Query = keyof typeof QUERIES;

/** One session's read-back: its prepared statements and why it can no longer be trusted. */
interface Session {
  names: Record<Query, string>;
  prepared: boolean;
  untrusted: string[];
}
const sessions = new WeakMap<Executor, Session>();

/** Names a migration cannot guess (it can still list them: each use checks they are ours). */
const randomNames = (): Record<Query, string> => {
  const tag = randomBytes(8).toString('hex');
  return { state: `migration_review_state_${tag}`, relations: `migration_review_relations_${tag}` };
};
const prepareSql = (name: string, query: Query): string => `PREPARE ${name} AS ${QUERIES[query]}`;

function sessionOf(executor: Executor): Session {
  let session = sessions.get(executor);
  if (!session) sessions.set(executor, (session = { names: randomNames(), prepared: false, untrusted: [] }));
  return session;
}

/** Records why this session's read-back can no longer be trusted to lower a finding. */
export function distrust(executor: Executor, reasons: string[]): void {
  const session = sessionOf(executor);
  for (const reason of reasons) if (!session.untrusted.includes(reason)) session.untrusted.push(reason);
}

/** Why this session's read-back cannot be trusted to lower a finding (empty: nothing seen). */
export function untrustedReasons(executor: Executor): string[] {
  return [...(sessions.get(executor)?.untrusted ?? [])];
}

/**
 * Makes sure the session's prepared statements are the trace's own. PREPARE outlives a ROLLBACK,
 * but a migration can DEALLOCATE or DISCARD them, or (reading their names from
 * pg_prepared_statements) put its own under the same names: a missing one is prepared again, a
 * replaced one distrusts the session and the trace moves to new names.
 */
async function ensurePrepared(executor: Executor, session: Session): Promise<void> {
  const names = Object.values(session.names).map((n) => `'${n}'`);
  const rows = await executor.query<{ name: string; statement: string }>(
    `SELECT name, statement FROM pg_catalog.pg_prepared_statements WHERE name OPERATOR(pg_catalog.=) ANY (ARRAY[${names.join(', ')}]::pg_catalog.text[])`,
  );
  const present = new Map(rows.map((r) => [r.name, r.statement]));
  const ours = (query: Query): boolean => present.get(session.names[query]) === prepareSql(session.names[query], query);
  const queries = Object.keys(QUERIES) as Query[];
  if (queries.some((q) => present.has(session.names[q]) && !ours(q))) {
    distrust(executor, ["the migration replaced the trace's prepared read-back"]);
    session.names = randomNames();
    present.clear();
  } else if (session.prepared && queries.some((q) => !present.has(session.names[q]))) {
    distrust(executor, ["the migration dropped the trace's prepared read-back"]);
  }
  for (const query of queries) if (!present.has(session.names[query])) await executor.exec(prepareSql(session.names[query], query), 10_000);
  session.prepared = true;
}

/** Runs a read-back query; a failure of our own query means the engine can no longer be read. */
async function executePrepared<T extends Record<string, unknown>>(executor: Executor, query: Query): Promise<T[]> {
  const session = sessionOf(executor);
  try {
    await ensurePrepared(executor, session);
    return await executor.query<T>(`EXECUTE ${session.names[query]}`);
  } catch (error) {
    if (error instanceof TraceKilled || error instanceof TraceEngineFailed) throw error;
    throw new TraceEngineFailed(executor.engine, `its read-back of locks and storage failed (${(error as Error).message})`);
  }
}

/** The session's table locks as [relation, mode] pairs, and each table's relfilenode. */
export async function readState(executor: Executor): Promise<{ locks: [string, string][]; nodes: Map<string, string> }> {
  const [row] = await executePrepared<{ locks: string; nodes: string }>(executor, 'state');
  // The query always returns one row: none means the engine broke under the last statement.
  if (typeof row?.locks !== 'string' || typeof row.nodes !== 'string') throw new TraceEngineFailed(executor.engine, 'its read-back of locks and storage returned nothing');
  return { locks: JSON.parse(row.locks) as [string, string][], nodes: new Map(Object.entries(JSON.parse(row.nodes) as Record<string, string>)) };
}

/** Each table's relfilenode, by relation name. */
export async function relfilenodes(executor: Executor): Promise<Map<string, string>> {
  const rows = await executePrepared<{ relation: string; filenode: string }>(executor, 'relations');
  return new Map(rows.map((r) => [r.relation, r.filenode]));
}

/**
 * Runs `read` (catalog queries whose output names objects as the search_path shows them) with a
 * fixed search_path, then gives the session back the migration's. Only outside a transaction
 * block, where a session-level SET is exactly undone by the next one.
 */
export async function withFixedSearchPath<T>(executor: Executor, read: () => Promise<T>): Promise<T> {
  const [saved] = await executor.query<{ path: string }>("SELECT pg_catalog.current_setting('search_path') AS path");
  await executor.exec('SET search_path = pg_catalog, public', 10_000);
  try {
    return await read();
  } finally {
    // Dollar-quoted: standard_conforming_strings, which the migration may have changed, does not apply.
    const tag = `$p${randomBytes(6).toString('hex')}$`;
    await executor.exec(`SELECT pg_catalog.set_config('search_path', ${tag}${saved?.path ?? ''}${tag}, false)`, 10_000);
  }
}
