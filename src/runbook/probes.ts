import pg from 'pg';
import { as, rangeVarName, strings, typeRef } from '../sql/ast.js';
import type { ColumnDef, Constraint } from '@pgsql/types';
import type { AstNode, Statement } from '../sql/parse.js';
import { alterCommands, alteredTable } from '../rules/helpers.js';
import { afterTopLevel, indexElements, usingExpression } from './sql-text.js';

/**
 * Data-validity probes: for each change that existing rows could violate, the read-only query
 * that predicts it — duplicates before UNIQUE, NULLs before NOT NULL, orphans before a foreign
 * key, rows failing a CHECK, values too long or out of range before a narrowing type change.
 * Printed in the runbook; with a database, run in a read-only transaction with a time limit.
 */
export interface Probe {
  file: string;
  line: number;
  table: string;
  kind: 'duplicates' | 'nulls' | 'orphans' | 'check' | 'too-long' | 'out-of-range' | 'any-row';
  /** What a count above zero means, as the end of a sentence ("… rows of orders have …"). */
  meaning: string;
  /** Counts the violating rows (or groups); read-only. */
  sql: string;
}

const ident = (name: string): string => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);
const qualified = (name: string): string => name.split('.').map(ident).join('.');

/** The text inside the balanced parentheses that follow `keyword` in the statement. */
function parenthesizedAfter(text: string, keyword: RegExp): string | null {
  const match = keyword.exec(text);
  if (!match) return null;
  let depth = 0;
  let start = -1;
  for (let i = match.index + match[0].length; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      i = text.indexOf("'", i + 1);
      if (i < 0) return null;
      continue;
    }
    if (c === '(') {
      if (depth++ === 0) start = i + 1;
    } else if (c === ')' && --depth === 0) return text.slice(start, i);
  }
  return null;
}

/** What makes rows collide under a unique index or constraint: SQL expressions over the table, and the rows it covers. */
interface UniqueKey {
  expressions: string[];
  label: string;
  predicate: string | null;
  nullsNotDistinct: boolean;
}

/** The key of `CREATE UNIQUE INDEX`: its columns or expressions (as written), and its WHERE predicate. */
function uniqueIndexKey(s: Statement): UniqueKey | null {
  const params = (s.node.indexParams as unknown[] | undefined) ?? [];
  const elements = params.map((p) => as(p, 'IndexElem'));
  const written = indexElements(s.text);
  // The text must agree with the parse tree element for element, or the check would count the wrong thing.
  if (!written || written.length !== elements.length || !elements.length) return null;
  const expressions = elements.map((e, i) => (typeof e?.name === 'string' ? ident(e.name) : written[i]!));
  const predicate = s.node.whereClause ? afterTopLevel(s.text, /where\b/) : null;
  if (s.node.whereClause && !predicate) return null;
  return { expressions, label: expressions.join(', '), predicate, nullsNotDistinct: !!s.node.nulls_not_distinct };
}

type At = (s: Statement, table: string, kind: Probe['kind'], meaning: string, sql: string) => void;

/** A narrowing type change fails on the values it cannot hold — after its USING expression, when it has one. */
function typeChangeProbes(s: Statement, table: string, column: string, def: ColumnDef | undefined, at: At): void {
  const to = typeRef(def?.typeName);
  const using = def?.raw_default ? usingExpression(s.text, column) : null;
  // A USING clause we cannot read back would make the check count the wrong values: none then.
  if (def?.raw_default && !using) return;
  const value = using ? `(${using})` : ident(column);
  const after = using ? ` after USING ${using.length > 50 ? `${using.slice(0, 49)}…` : using}` : '';
  const limit = to.mods[0];
  if (/^(varchar|bpchar|char|character varying)$/.test(to.name) && limit) at(s, table, 'too-long', `have ${column} longer than ${limit} characters${after}: the type change fails`, `SELECT count(*) FROM ${qualified(table)} WHERE length(${value}::text) > ${limit}`);
  const range = INT_RANGE[to.name];
  if (range && !to.array) at(s, table, 'out-of-range', `have ${column} outside ${to.name}'s range${after}: the type change fails`, `SELECT count(*) FROM ${qualified(table)} WHERE ${value}::numeric NOT BETWEEN ${range[0]} AND ${range[1]}`);
}

const INT_RANGE: Record<string, [string, string]> = { int2: ['-32768', '32767'], smallint: ['-32768', '32767'], int4: ['-2147483648', '2147483647'], integer: ['-2147483648', '2147483647'], int: ['-2147483648', '2147483647'] };

/** Rows that would collide under a unique key: groups of equal keys (NULLs apart, unless NULLS NOT DISTINCT), within the index's predicate. */
function duplicatesProbe(s: Statement, table: string, key: UniqueKey, what: string, at: At): void {
  const keys = key.expressions.map((e, i) => `${e} AS k${i + 1}`).join(', ');
  const conditions = [...(key.nullsNotDistinct ? [] : key.expressions.map((e) => `(${e}) IS NOT NULL`)), ...(key.predicate ? [`(${key.predicate})`] : [])];
  const where = conditions.length ? ` WHERE ${conditions.join(' AND ')}` : '';
  const groups = key.expressions.map((_, i) => i + 1).join(', ');
  const scope = key.predicate ? ` among the rows where ${key.predicate}` : '';
  at(s, table, 'duplicates', `share their ${key.label} with another row${scope}: ${what} fails`, `SELECT count(*) FROM (SELECT ${keys} FROM ${qualified(table)}${where} GROUP BY ${groups} HAVING count(*) > 1) AS duplicate_groups`);
}

/** Child rows whose key points at no parent row: what a foreign key's validation rejects. */
function orphansProbe(s: Statement, table: string, constraint: Constraint, at: At): void {
  const fk = strings(constraint.fk_attrs);
  const parent = rangeVarName(constraint.pktable);
  const pk = strings(constraint.pk_attrs);
  const parentKeys = pk.length ? pk : fk.map(() => 'id');
  if (!fk.length || fk.length !== parentKeys.length) return;
  const join = fk.map((c, i) => `p.${ident(parentKeys[i]!)} = c.${ident(c)}`).join(' AND ');
  const meaning = `point at no ${parent} row (${fk.join(', ')}): ${constraint.skip_validation ? 'VALIDATE CONSTRAINT' : 'ADD FOREIGN KEY'} fails${pk.length ? '' : ` (assuming ${parent}'s key is id)`}`;
  at(s, table, 'orphans', meaning, `SELECT count(*) FROM ${qualified(table)} AS c WHERE ${fk.map((c) => `c.${ident(c)} IS NOT NULL`).join(' AND ')} AND NOT EXISTS (SELECT 1 FROM ${qualified(parent)} AS p WHERE ${join})`);
}

export function probesFor(file: string, statements: Statement[]): Probe[] {
  const out: Probe[] = [];
  const at = (s: Statement, table: string, kind: Probe['kind'], meaning: string, sql: string): void => void out.push({ file, line: s.line, table, kind, meaning, sql });
  const duplicates = (s: Statement, table: string, key: UniqueKey, what: string): void => duplicatesProbe(s, table, key, what, at);
  for (const s of statements) {
    if (s.nested) continue;
    if (s.type === 'IndexStmt' && s.node.unique) {
      const key = uniqueIndexKey(s);
      if (key) duplicates(s, rangeVarName(s.node.relation as AstNode), key, `the unique index ${String(s.node.idxname ?? '')} build`.replace(/ {2}/g, ' '));
      continue;
    }
    const table = alteredTable(s);
    if (!table) continue;
    for (const cmd of alterCommands(s)) {
      const column = cmd.name as string | undefined;
      if (cmd.subtype === 'AT_SetNotNull' && column) at(s, table, 'nulls', `have ${column} NULL: SET NOT NULL fails`, `SELECT count(*) FROM ${qualified(table)} WHERE ${ident(column)} IS NULL`);
      if (cmd.subtype === 'AT_AddColumn') {
        const def = as(cmd.def, 'ColumnDef');
        const constraints = ((def?.constraints as unknown[]) ?? []).map((c) => as(c, 'Constraint'));
        const notNull = constraints.some((c) => c?.contype === 'CONSTR_NOTNULL');
        const hasDefault = constraints.some((c) => c?.contype === 'CONSTR_DEFAULT') || !!def?.raw_default;
        if (notNull && !hasDefault) at(s, table, 'any-row', `exist: ADD COLUMN ${String(def?.colname)} NOT NULL without a default fails on any row`, `SELECT count(*) FROM (SELECT 1 FROM ${qualified(table)} LIMIT 1) AS any_row`);
      }
      if (cmd.subtype === 'AT_AlterColumnType' && column) typeChangeProbes(s, table, column, as(cmd.def, 'ColumnDef'), at);
      if (cmd.subtype !== 'AT_AddConstraint') continue;
      const constraint = as(cmd.def, 'Constraint');
      if (!constraint) continue;
      const keys = strings(constraint.keys);
      if ((constraint.contype === 'CONSTR_UNIQUE' || constraint.contype === 'CONSTR_PRIMARY') && keys.length && !constraint.indexname) {
        duplicates(s, table, { expressions: keys.map(ident), label: keys.join(', '), predicate: null, nullsNotDistinct: !!constraint.nulls_not_distinct }, `ADD ${constraint.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE'}`);
        if (constraint.contype === 'CONSTR_PRIMARY') for (const key of keys) at(s, table, 'nulls', `have ${key} NULL: the primary key fails`, `SELECT count(*) FROM ${qualified(table)} WHERE ${ident(key)} IS NULL`);
      }
      if (constraint.contype === 'CONSTR_CHECK') {
        const expr = parenthesizedAfter(s.text, /\bcheck\s*/i);
        if (expr) at(s, table, 'check', `fail CHECK (${expr.length > 60 ? `${expr.slice(0, 59)}…` : expr})${constraint.skip_validation ? ': VALIDATE CONSTRAINT fails' : ': ADD CONSTRAINT fails'}`, `SELECT count(*) FROM ${qualified(table)} WHERE NOT (${expr})`);
      }
      if (constraint.contype === 'CONSTR_FOREIGN') orphansProbe(s, table, constraint, at);
    }
  }
  return out;
}

export interface ProbeResult extends Probe {
  /** Violating rows (or duplicate groups); null when the probe could not run. */
  count: number | null;
  error?: string;
}

/**
 * Runs probes read-only (the transaction refuses writes even if a probe tried) with a statement
 * timeout and a lock timeout — a probe must never queue behind a migration's ACCESS EXCLUSIVE lock
 * (and make the traffic behind it queue too) — one failure never stopping the others.
 */
export async function runProbes(probes: Probe[], url: string, limits: { statementMs?: number; lockMs?: number } = {}): Promise<ProbeResult[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'migration-review-data-checks' });
  // A session ended under us emits 'error' on the idle client; the query in flight fails and is reported instead.
  client.on('error', () => undefined);
  await client.connect();
  const results: ProbeResult[] = [];
  try {
    for (const probe of probes) {
      await client.query('BEGIN READ ONLY');
      try {
        await client.query(`SET LOCAL statement_timeout = ${Math.round(limits.statementMs ?? 30_000)}`);
        await client.query(`SET LOCAL lock_timeout = ${Math.round(limits.lockMs ?? 2_000)}`);
        const { rows } = await client.query<{ count: string }>(probe.sql);
        results.push({ ...probe, count: Number(rows[0]?.count ?? 0) });
      } catch (error) {
        results.push({ ...probe, count: null, error: (error as Error).message });
      } finally {
        await client.query('ROLLBACK');
      }
    }
  } finally {
    await client.end();
  }
  return results;
}
