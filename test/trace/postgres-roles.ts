import pg from 'pg';
import { PG_URL } from '../helpers.js';

/**
 * The local PostgreSQL (trust auth, superuser postgres) and the roles the real-server trace tests
 * run as: the trace refuses a superuser, so the tests trace as a role with CREATEDB only, as the
 * README tells users to. Each test file uses a role of its own, so a hostile input that signals
 * every session of its role cannot reach another file's traces.
 */

export { PG_URL };

/** Whether the server answers; the callers skip (and say so) when it does not. */
export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs `step` as the superuser, on a connection closed afterwards. */
export async function asSuperuser<T>(step: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await step(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The server's URL as another role. */
export function urlAs(role: string, database = 'postgres'): string {
  const url = new URL(PG_URL);
  url.username = role;
  url.password = '';
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * A login role with exactly `attributes` (NOSUPERUSER and nothing else unless listed), and no
 * settings left from an earlier run; returns its URL.
 */
export async function roleWith(role: string, attributes: string[] = ['CREATEDB']): Promise<string> {
  const all = ['CREATEDB', 'CREATEROLE', 'REPLICATION'];
  const spec = ['LOGIN', 'NOSUPERUSER', ...all.map((a) => (attributes.includes(a) ? a : `NO${a}`))].join(' ');
  await asSuperuser(async (client) => {
    const exists = (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount;
    await client.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${role} ${spec}`);
    await client.query(`ALTER ROLE ${role} RESET ALL`);
  });
  return urlAs(role);
}

/** The trace databases this process left on the server. */
export async function leftoverDatabases(): Promise<string[]> {
  return asSuperuser(async (client) =>
    (await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'migration_review_trace_${process.pid}_%'`)).rows.map((r) => r.datname),
  );
}

/** Backends still connected to this process's trace databases. */
export async function leftoverBackends(): Promise<string[]> {
  return asSuperuser(async (client) =>
    (await client.query<{ query: string }>(`SELECT query FROM pg_stat_activity WHERE datname LIKE 'migration_review_trace_${process.pid}_%'`)).rows.map((r) => r.query),
  );
}

/** The role's own settings (ALTER ROLE … SET), as `name=value`. */
export async function roleSettings(role: string): Promise<string[]> {
  return asSuperuser(async (client) =>
    (
      await client.query<{ config: string[] }>('SELECT setconfig AS config FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname = $1', [role])
    ).rows.flatMap((r) => r.config),
  );
}

/** A session of `role` that is not the trace's: whether a migration can reach it shows in whether it survives. */
export class Bystander {
  private client: pg.Client | null = null;
  constructor(private readonly url: string) {}

  async pid(): Promise<number> {
    if (!this.client) {
      const client = new pg.Client({ connectionString: this.url, application_name: 'bystander' });
      client.on('error', () => undefined);
      await client.connect();
      this.client = client;
    }
    return (await this.client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  }

  /** Whether the session still answers; a dead one is replaced at the next pid(). */
  async alive(): Promise<boolean> {
    try {
      await this.client!.query('SELECT 1');
      return true;
    } catch {
      await this.end();
      return false;
    }
  }

  async end(): Promise<void> {
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}
