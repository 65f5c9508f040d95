import type { Node } from '@pgsql/types';
import { as, strings } from './ast.js';

/**
 * The names PostgreSQL gives objects created without one (src/backend/commands/indexcmds.c
 * ChooseIndexName, src/backend/catalog/namespace.c makeObjectName and ChooseRelationName, PG 15),
 * so that a later `DROP INDEX orders_status_idx` finds the index `CREATE INDEX ON orders (status)`
 * made. test/facts compares each rule here with the names PostgreSQL 15 chooses.
 */

/** NAMEDATALEN - 1: the longest identifier, in bytes. */
const MAX_IDENTIFIER_BYTES = 63;

/** The first `bytes` bytes of `text`, cut back to a whole character (pg_mbcliplen). */
function clipBytes(text: string, bytes: number): string {
  const encoded = Buffer.from(text, 'utf8');
  if (encoded.length <= bytes) return text;
  let end = bytes;
  // A UTF-8 continuation byte (10xxxxxx) is mid-character: back up to the character's start.
  while (end > 0 && (encoded[end]! & 0xc0) === 0x80) end--;
  return encoded.subarray(0, end).toString('utf8');
}

const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

/** `name1_name2_label`, shortening the longer of name1 and name2 until it fits 63 bytes (makeObjectName). */
export function makeObjectName(name1: string, name2: string | null, label: string): string {
  const overhead = byteLength(label) + 1 + (name2 === null ? 0 : 1);
  const available = MAX_IDENTIFIER_BYTES - overhead;
  let name1Bytes = byteLength(name1);
  let name2Bytes = name2 === null ? 0 : byteLength(name2);
  while (name1Bytes + name2Bytes > available) {
    if (name1Bytes > name2Bytes) name1Bytes--;
    else name2Bytes--;
  }
  const first = clipBytes(name1, name1Bytes);
  return name2 === null ? `${first}_${label}` : `${first}_${clipBytes(name2, name2Bytes)}_${label}`;
}

/** makeObjectName with `label`, then `label1`, `label2`, … until the name is free (ChooseRelationName). */
export function chooseRelationName(name1: string, name2: string | null, label: string, taken: (name: string) => boolean): string {
  for (let pass = 0; ; pass++) {
    const name = makeObjectName(name1, name2, pass === 0 ? label : `${label}${pass}`);
    if (!taken(name)) return name;
  }
}

/**
 * The column name PostgreSQL derives from an index expression (FigureColnameInternal): a
 * function's name, a column's name, a cast's operand (or its type), `coalesce`, `case`, …; null
 * when it has none (then the index column is `expr`).
 */
function expressionName(node: Node | undefined): string | null {
  const column = as(node, 'ColumnRef');
  if (column) {
    const last = strings(column.fields).pop();
    return last || null;
  }
  const call = as(node, 'FuncCall');
  if (call) return strings(call.funcname).pop() ?? null;
  const cast = as(node, 'TypeCast');
  if (cast) return expressionName(cast.arg) ?? strings(cast.typeName?.names).pop() ?? null;
  if (as(node, 'CoalesceExpr')) return 'coalesce';
  if (as(node, 'CaseExpr')) return 'case';
  if (as(node, 'A_ArrayExpr')) return 'array';
  if (as(node, 'NullIfExpr')) return 'nullif';
  const minmax = as(node, 'MinMaxExpr');
  if (minmax) return minmax.op === 'IS_GREATEST' ? 'greatest' : 'least';
  return null;
}

/** The names of an index's columns, made unique within the index (`lower`, `lower1`; ChooseIndexColumnNames). */
export function indexColumnNames(indexParams: Node[] | undefined): string[] {
  const out: string[] = [];
  for (const param of indexParams ?? []) {
    const elem = as(param, 'IndexElem');
    if (!elem) continue;
    const base = elem.indexcolname ?? elem.name ?? expressionName(elem.expr) ?? 'expr';
    let name = base;
    for (let i = 1; out.includes(name); i++) name = `${clipBytes(base, MAX_IDENTIFIER_BYTES - String(i).length)}${i}`;
    out.push(name);
  }
  return out;
}

/**
 * The columns part of an index name: column names joined by `_`, stopping once it passes 63
 * bytes (ChooseIndexNameAddition; makeObjectName shortens it further).
 */
function columnsAddition(columns: string[]): string {
  let out = '';
  for (const column of columns) {
    out = out ? `${out}_${clipBytes(column, MAX_IDENTIFIER_BYTES)}` : clipBytes(column, MAX_IDENTIFIER_BYTES);
    if (byteLength(out) >= MAX_IDENTIFIER_BYTES + 1) break;
  }
  return out;
}

export type IndexKind = 'index' | 'unique-constraint' | 'primary-key' | 'exclusion';

/** The name PostgreSQL gives an index or constraint index created without one, on table `table` (its bare name). */
export function chooseIndexName(table: string, columns: string[], kind: IndexKind, taken: (name: string) => boolean): string {
  if (kind === 'primary-key') return chooseRelationName(table, null, 'pkey', taken);
  const label = kind === 'unique-constraint' ? 'key' : kind === 'exclusion' ? 'excl' : 'idx';
  return chooseRelationName(table, columnsAddition(columns), label, taken);
}
