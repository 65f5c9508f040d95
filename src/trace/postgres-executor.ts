import pg from 'pg';
import { isSqlState, SqlError, TraceEngineFailed, TraceTimeout, type Executor } from './executor.js';
import { changedSettings, readSettings, restoreSettings, type SettingsRow } from './postgres-settings.js';

/**
 * The trace on a real PostgreSQL (`--database-url`): a throwaway database created for this trace
 * and dropped after it. The migration is untrusted and runs with the connection's rights, so:
 *
 * - the role must not be able to reach the host: a superuser, a role with CREATEROLE or
 *   REPLICATION, or a member of pg_execute_server_program, pg_read_server_files,
 *   pg_write_server_files or pg_signal_backend is refused unless `allowSuperuser` is set;
 * - every statement is sent with the extended query protocol (Parse/Bind/Execute), where the
 *   server rejects a second statement, and after the session is reset to the lexical settings the
 *   review's parser assumes (standard_conforming_strings on, client_encoding UTF8): with them
 *   changed, the server would read a string literal the review saw as code, or the reverse;
 * - there is no long-lived admin connection for the migration to kill (it can signal every
 *   session of its own role): each control step (create, stop, drop) opens its own, and a lost
 *   one is retried;
 * - a statement is stopped server-side by statement_timeout and, because a DO block can catch
 *   query_canceled and go on, by a hard timer that terminates its backend;
 * - role and database settings the migration changed (ALTER ROLE … SET inside EXECUTE sticks to
 *   the role and breaks every later run) are put back when the trace ends.
 */

export interface PostgresOptions {
  /** Trace as a superuser or a role with comparable rights. Unsafe for untrusted migrations. */
  allowSuperuser?: boolean;
}

/** The trace could not start on this server: the role or the server is not fit for it. Says nothing about the migration. */
export class TraceSetupError extends Error {}

const QUERY_TIMEOUT_MS = 10_000;
/** After statement_timeout should have fired: time for the server's own cancel before the backend is terminated. */
const HARD_STOP_GRACE_MS = 500;
const CONNECT_TIMEOUT_MS = 10_000;
const DROP_ATTEMPTS = 5;
/** SQLSTATEs of a session the server ended (admin_shutdown, crash_shutdown, cannot_connect_now). */
const SESSION_ENDED = new Set(['57P01', '57P02', '57P03']);
const IN_FAILED_TRANSACTION = '25P02';

/**
 * Sent (as our own text) before every statement: the statement's time limit, and the lexical
 * settings put back to what the review's parser assumes, whatever the migration set before.
 */
const sessionReset = (timeoutMs: number): string =>
  `SET statement_timeout = ${Math.max(1, Math.round(timeoutMs))}; SET standard_conforming_strings = on; SET backslash_quote = safe_encoding; SET client_encoding = 'UTF8'`;

/**
 * Session settings fixed at connection time: they override the role's and the database's
 * defaults, which a migration traced a moment ago (with this role) may have changed.
 */
const PINNED = {
  trace: '-c standard_conforming_strings=on -c backslash_quote=safe_encoding -c default_transaction_read_only=off -c idle_in_transaction_session_timeout=0',
  control: '-c standard_conforming_strings=on -c default_transaction_read_only=off -c idle_in_transaction_session_timeout=0 -c statement_timeout=30000 -c search_path=pg_catalog',
};

function newClient(url: string, purpose: keyof typeof PINNED): pg.Client {
  // Options given in the URL stay; ours come after them and win.
  const given = new URL(url).searchParams.get('options');
  const options = given ? `${given} ${PINNED[purpose]}` : PINNED[purpose];
  const client = new pg.Client({ connectionString: url, application_name: `migration-review-${purpose}`, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, options });
  // A session the migration terminated emits 'error' when idle: the call that needs it says so, the process does not crash.
  client.on('error', () => undefined);
  return client;
}

/** Closes the client's socket at once: its pending query fails now, whatever its backend does. */
function closeSocket(client: pg.Client): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}

/** Ends a client without waiting on a backend that is still busy: past a short wait, the socket is closed. */
async function endClient(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, 2_000)));
  await Promise.race([client.end().catch(() => undefined), gaveUp]);
  clearTimeout(timer);
  closeSocket(client);
}

/** Runs `step` on a fresh control connection to the URL's database, closed on every path. */
async function withControl<T>(url: string, step: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = newClient(url, 'control');
  try {
    await client.connect();
    return await step(client);
  } finally {
    await endClient(client);
  }
}

/** What the role may do beyond its own databases. */
interface RoleRights {
  role: string;
  superuser: boolean;
  createdb: boolean;
  createrole: boolean;
  replication: boolean;
  members: string[];
}

const ROLE_RIGHTS = `
  SELECT r.rolname AS role, r.rolsuper AS superuser, r.rolcreatedb AS createdb, r.rolcreaterole AS createrole, r.rolreplication AS replication,
    pg_catalog.array_to_json(ARRAY(SELECT g FROM pg_catalog.unnest(ARRAY['pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files', 'pg_signal_backend']) g
      WHERE pg_catalog.pg_has_role(r.oid, g::pg_catalog.name, 'MEMBER')))::pg_catalog.text AS members
  FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER`;

async function roleRights(client: pg.Client): Promise<RoleRights> {
  const row = (await client.query<Omit<RoleRights, 'members'> & { members: string }>(ROLE_RIGHTS)).rows[0]!;
  return { ...row, members: JSON.parse(row.members) as string[] };
}

/** Why this role must not run untrusted migrations, or null. */
export function privilegeProblem(rights: RoleRights): string | null {
  const powers = [
    ...(rights.superuser ? ['is a superuser (it can read and write server files, run programs and change the configuration)'] : []),
    ...(rights.createrole ? ['has CREATEROLE (it can create roles and, before PostgreSQL 16, grant itself pg_execute_server_program)'] : []),
    ...(rights.replication ? ['has REPLICATION (a replication slot keeps WAL until the disk fills)'] : []),
    ...rights.members.map((role) => `is a member of ${role}`),
  ];
  if (!powers.length) return null;
  return (
    `refusing to trace as ${rights.role}: it ${powers.join('; it ')}, and a migration's SQL runs with those rights. ` +
    'Trace as a role with CREATEDB and nothing more (CREATE ROLE migration_review LOGIN CREATEDB) on a disposable server, ' +
    'or pass --allow-superuser only for migrations you trust'
  );
}

/** Checks the role and creates the throwaway database; returns the settings to put back afterwards. */
async function createTraceDatabase(url: string, name: string, options: PostgresOptions): Promise<SettingsRow[]> {
  return withControl(url, async (control) => {
    const rights = await roleRights(control);
    const problem = options.allowSuperuser ? null : privilegeProblem(rights);
    if (problem) throw new TraceSetupError(problem);
    if (!rights.createdb && !rights.superuser)
      throw new TraceSetupError(
        `the role ${rights.role} cannot create databases: the trace runs the migration in a throwaway database it creates and drops. ` +
          `Give it CREATEDB on the disposable server (ALTER ROLE ${rights.role} CREATEDB), or leave out --database-url to trace in the embedded PGlite`,
      );
    const settings = await readSettings(control);
    await control.query(`CREATE DATABASE ${name}`);
    return settings;
  });
}

/** Drops the throwaway database, terminating what is still connected; retried when the migration kills the control session. */
async function dropTraceDatabase(url: string, name: string): Promise<void> {
  let last: unknown;
  for (let attempt = 0; attempt < DROP_ATTEMPTS; attempt++) {
    try {
      await withControl(url, (control) => control.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      return;
    } catch (error) {
      last = error;
      await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
    }
  }
  process.emitWarning(`could not drop the throwaway database ${name} (${(last as Error).message}): drop it by hand`, { code: 'MIGRATION_REVIEW_LEFTOVER_DATABASE' });
}

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Executor> {
  const name = `migration_review_trace_${process.pid}_${Date.now().toString(36)}`;
  const settingsBefore = await createTraceDatabase(url, name, options);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const client = newClient(target.toString(), 'trace');
  let pid: number;
  try {
    await client.connect();
    pid = (await client.query<{ pid: number }>('SELECT pg_catalog.pg_backend_pid() AS pid')).rows[0]!.pid;
  } catch (error) {
    await endClient(client);
    await dropTraceDatabase(url, name);
    throw error;
  }
  const session = new TracedSession(client, pid, url, name);
  return {
    engine: 'postgres',
    exec: async (sql, timeoutMs) => void (await session.run(sql, timeoutMs)),
    query: (sql, timeoutMs = QUERY_TIMEOUT_MS) => session.run(sql, timeoutMs),
    close: async () => {
      await session.end();
      await dropTraceDatabase(url, name);
      await putSettingsBack(url, settingsBefore);
    },
  };
}

/** Puts back role and database settings the migration changed (on a control connection of its own). */
async function putSettingsBack(url: string, before: SettingsRow[]): Promise<void> {
  try {
    await withControl(url, async (control) => {
      const changes = changedSettings(before, await readSettings(control));
      if (changes.length) await restoreSettings(control, changes);
    });
  } catch (error) {
    process.emitWarning(`could not check or restore the role's settings after the trace (${(error as Error).message})`, { code: 'MIGRATION_REVIEW_SETTINGS' });
  }
}

/** The traced session: one statement at a time, each under a limit the migration cannot catch or lift. */
class TracedSession {
  /** Why the session is gone; every call after that fails with it. */
  private lost: Error | null = null;

  constructor(
    private readonly client: pg.Client,
    private readonly pid: number,
    private readonly url: string,
    private readonly database: string,
  ) {
    client.on('error', (error) => (this.lost ??= new TraceEngineFailed('postgres', `the connection was lost (${error.message})`)));
    client.on('end', () => (this.lost ??= new TraceEngineFailed('postgres', 'the connection was closed')));
  }

  async run<T extends Record<string, unknown>>(sql: string, timeoutMs: number): Promise<T[]> {
    if (this.lost) throw this.lost;
    let stopped = false;
    const hardStop = setTimeout(() => {
      stopped = true;
      void this.terminate();
    }, timeoutMs + HARD_STOP_GRACE_MS);
    try {
      // In a failed transaction block only ROLLBACK (or COMMIT) is accepted: the reset fails there
      // (25P02), and the ROLLBACK must still be sent. The server runs nothing else in that state.
      // (The client's transaction status cannot tell: pg rejects a failed query before the
      // server's ReadyForQuery that reports the aborted block.)
      await this.client.query(sessionReset(timeoutMs)).catch((error: { code?: string }) => {
        if (error.code !== IN_FAILED_TRANSACTION) throw error;
      });
      // The extended protocol: the server refuses a second statement in the text.
      const result = await this.client.query({ text: sql, queryMode: 'extended' } as pg.QueryConfig);
      return result.rows as T[];
    } catch (error) {
      throw this.failure(error, stopped, timeoutMs);
    } finally {
      clearTimeout(hardStop);
    }
  }

  /** An error of a call, as the trace sees it. */
  private failure(error: unknown, stopped: boolean, timeoutMs: number): Error {
    const e = error as { message: string; code?: string; position?: string };
    if (stopped) {
      this.lost = new TraceTimeout(timeoutMs);
      return this.lost;
    }
    if (e.code === '57014' && /statement timeout/.test(e.message)) return new TraceTimeout(timeoutMs);
    if (this.lost || SESSION_ENDED.has(e.code ?? '') || !isSqlState(e.code)) {
      this.lost ??= new TraceEngineFailed('postgres', `the session ended (${e.message})`);
      return this.lost;
    }
    return new SqlError(e.message, e.code, e.position === undefined ? undefined : Number(e.position));
  }

  /**
   * The hard stop: terminates the backend from a control session, then closes the socket. When no
   * control session can be had (the migration may be terminating every session of its role), the
   * socket still goes, and the DROP … WITH (FORCE) at close ends the backend.
   */
  private async terminate(): Promise<void> {
    try {
      await withControl(this.url, (control) =>
        control.query('SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE pid OPERATOR(pg_catalog.=) $1 AND datname OPERATOR(pg_catalog.=) $2', [
          this.pid,
          this.database,
        ]),
      );
    } catch {
      // Said above: the socket goes either way.
    }
    closeSocket(this.client);
  }

  async end(): Promise<void> {
    this.lost ??= new TraceEngineFailed('postgres', 'the executor was closed');
    await endClient(this.client);
  }
}
