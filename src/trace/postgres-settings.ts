import type pg from 'pg';

/**
 * Role and database settings outlive the trace: `ALTER ROLE CURRENT_USER SET
 * default_transaction_read_only = on`, run through EXECUTE where the review cannot see it, sticks
 * to the trace's role, and every later trace then fails. A role can always change its own settings
 * (and those of databases it owns), so this cannot be forbidden: the settings are read before the
 * trace and put back after it.
 */

/** One row of pg_db_role_setting that concerns the trace's role: its own settings, or those of a database it owns. */
export interface SettingsRow {
  /** Empty for every database. */
  database: string;
  /** Empty for a database's own settings. */
  role: string;
  config: string[];
}

/** One setting to put back: `value` null means it did not exist before (RESET). */
export interface SettingChange {
  database: string;
  role: string;
  name: string;
  value: string | null;
}

const SETTINGS = `
  SELECT COALESCE(d.datname, '') AS database, COALESCE(r.rolname, '') AS role, s.setconfig AS config
  FROM pg_catalog.pg_db_role_setting s
    LEFT JOIN pg_catalog.pg_database d ON d.oid OPERATOR(pg_catalog.=) s.setdatabase
    LEFT JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) s.setrole
  WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER
    OR (s.setrole OPERATOR(pg_catalog.=) 0 AND d.datdba OPERATOR(pg_catalog.=) (SELECT oid FROM pg_catalog.pg_roles WHERE rolname OPERATOR(pg_catalog.=) CURRENT_USER))`;

export async function readSettings(client: pg.Client): Promise<SettingsRow[]> {
  return (await client.query<SettingsRow>(SETTINGS)).rows.map((row) => ({ ...row, config: row.config ?? [] }));
}

/** `name=value` entries as a map (a value may itself hold `=`). */
function entries(config: string[]): Map<string, string> {
  return new Map(config.map((item) => [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)]));
}

const keyOf = (row: { database: string; role: string }): string => `${row.database}\u0000${row.role}`;

/** What differs between the settings before and after the trace, as the changes that undo it. */
export function changedSettings(before: SettingsRow[], after: SettingsRow[]): SettingChange[] {
  const old = new Map(before.map((row) => [keyOf(row), row]));
  const now = new Map(after.map((row) => [keyOf(row), row]));
  const changes: SettingChange[] = [];
  for (const key of new Set([...old.keys(), ...now.keys()])) {
    const { database, role } = (old.get(key) ?? now.get(key))!;
    const was = entries(old.get(key)?.config ?? []);
    const is = entries(now.get(key)?.config ?? []);
    for (const name of new Set([...was.keys(), ...is.keys()])) {
      if (was.get(name) !== is.get(name)) changes.push({ database, role, name, value: was.get(name) ?? null });
    }
  }
  return changes;
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;
/** Settings stored as a list already quoted for SET (pg_db_role_setting keeps `"$user", public`). */
const LIST_SETTINGS = new Set(['search_path', 'temp_tablespaces', 'local_preload_libraries', 'session_preload_libraries']);

/** The ALTER ROLE / ALTER DATABASE statement that undoes one change. */
export function undoStatement(change: SettingChange): string {
  const target = change.role
    ? `ALTER ROLE ${ident(change.role)}${change.database ? ` IN DATABASE ${ident(change.database)}` : ''}`
    : `ALTER DATABASE ${ident(change.database)}`;
  if (change.value === null) return `${target} RESET ${ident(change.name)}`;
  // The value is the one from before the trace: the migration's text never reaches this statement.
  return `${target} SET ${ident(change.name)} TO ${LIST_SETTINGS.has(change.name) ? change.value : literal(change.value)}`;
}

export async function restoreSettings(client: pg.Client, changes: SettingChange[]): Promise<void> {
  for (const change of changes) await client.query(undoStatement(change));
}
