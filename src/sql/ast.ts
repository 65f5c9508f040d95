import type { Node, RangeVar, TypeName } from '@pgsql/types';
import type { AstNode, Statement } from './parse.js';

/**
 * Small readers over libpg-query's JSON. libpg-query omits fields that hold their default
 * (`concurrent` is absent unless true, `missing_ok` absent unless true), so every read goes
 * through a helper that supplies the default.
 */

/** Picks the fields of the `Node` member keyed `K` (distributes over the union). */
type FieldsUnder<N, K extends PropertyKey> = N extends { [P in K]: infer F } ? F : never;
type KeysOf<N> = N extends unknown ? keyof N : never;

/** Every libpg-query node type: `IndexStmt`, `AlterTableCmd`, `RangeVar`, … */
export type NodeType = KeysOf<Node>;

/** The fields of a node of type `K`, as @pgsql/types describes them (`NodeFields<'IndexStmt'>` is `IndexStmt`). */
export type NodeFields<K extends NodeType> = FieldsUnder<Node, K>;

export function field<T extends object, K extends keyof T & string>(node: T | undefined, key: K, fallback: NonNullable<T[K]>): NonNullable<T[K]> {
  const value = node?.[key];
  return value === undefined || value === null ? fallback : value;
}

export function flag<T extends object>(node: T | undefined, key: keyof T & string): boolean {
  return node?.[key] === true;
}

/**
 * Whether a VacuumStmt is VACUUM rather than ANALYZE: both parse to VacuumStmt, and libpg-query
 * omits `is_vacuumcmd` when it is false, so ANALYZE is the statement without it.
 */
export function isVacuumCommand(node: { is_vacuumcmd?: boolean } | undefined): boolean {
  return flag(node, 'is_vacuumcmd');
}

/** Unwraps `{ Type: fields }` when the node is of that type. */
export function as<K extends NodeType>(node: unknown, type: K): NodeFields<K> | undefined {
  if (!node || typeof node !== 'object') return undefined;
  return (node as Record<string, unknown>)[type] as NodeFields<K> | undefined;
}

/** A statement's fields, typed as its node type (`IndexStmt`, …) when it is of that type. */
export function statementNode<K extends NodeType>(statement: Statement, type: K): NodeFields<K> | undefined {
  // Statement keeps the JSON untyped for the trace and the catalog; libpg-query emits the shapes @pgsql/types describes.
  return statement.type === type ? (statement.node as unknown as NodeFields<K>) : undefined;
}

export function nodeType(node: unknown): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  return Object.keys(node as AstNode)[0];
}

/** `String` nodes → their text. */
export function str(node: unknown): string {
  const s = as(node, 'String');
  return (s?.sval as string | undefined) ?? '';
}

export function strings(list: unknown): string[] {
  return Array.isArray(list) ? list.map(str) : [];
}

/**
 * Canonical table name: unquoted identifiers are already lower-cased by the parser; the `public`
 * schema is dropped so `public.orders` and `orders` are the same table.
 */
export function qualify(schema: string | undefined, name: string): string {
  return schema && schema !== 'public' ? `${schema}.${name}` : name;
}

/** `schema.table` of a RangeVar, given bare (a statement's `relation`) or wrapped as a node. */
export function rangeVarName(rangeVar: RangeVar | { RangeVar: RangeVar } | undefined): string {
  const rv = rangeVar && 'RangeVar' in rangeVar ? rangeVar.RangeVar : rangeVar;
  if (!rv) return '';
  return qualify(rv.schemaname, rv.relname ?? '');
}

/** Name of an object from a `DropStmt` object list entry or a qualified-name list. */
export function qualifiedName(list: unknown): string {
  const parts = Array.isArray(as(list, 'List')?.items) ? strings(as(list, 'List')!.items) : strings(list);
  if (parts.length === 0) return str(list);
  if (parts.length === 1) return parts[0]!;
  return qualify(parts[parts.length - 2], parts[parts.length - 1]!);
}

export interface TypeRef {
  /** Base name without pg_catalog, e.g. `int4`, `varchar`, `text`, `my_enum`. */
  name: string;
  /** Integer type modifiers, e.g. [255] for varchar(255), [10, 2] for numeric(10,2). */
  mods: number[];
  array: boolean;
}

/** The type a TypeName names, given bare (a column's `typeName`) or wrapped as a node. */
export function typeRef(typeName: TypeName | { TypeName: TypeName } | undefined): TypeRef {
  const tn = typeName && 'TypeName' in typeName ? typeName.TypeName : typeName;
  const names = strings(tn?.names);
  const name = (names[names.length - 1] ?? '').toLowerCase();
  const mods: number[] = [];
  for (const mod of tn?.typmods ?? []) {
    // A_Const.ival is `{ ival: n }`; libpg-query drops the inner field when n is 0.
    const ival = as(mod, 'A_Const')?.ival;
    if (ival) mods.push(ival.ival ?? 0);
  }
  return { name, mods, array: Array.isArray(tn?.arrayBounds) && tn.arrayBounds.length > 0 };
}

const TYPE_ALIASES: Record<string, string> = {
  int: 'int4',
  integer: 'int4',
  int4: 'int4',
  smallint: 'int2',
  int2: 'int2',
  bigint: 'int8',
  int8: 'int8',
  serial: 'int4',
  bigserial: 'int8',
  smallserial: 'int2',
  varchar: 'varchar',
  'character varying': 'varchar',
  bpchar: 'bpchar',
  char: 'bpchar',
  character: 'bpchar',
  timestamptz: 'timestamptz',
  timestamp: 'timestamp',
  float8: 'float8',
  float4: 'float4',
  bool: 'bool',
  boolean: 'bool',
  decimal: 'numeric',
};

export function canonicalType(name: string): string {
  return TYPE_ALIASES[name] ?? name;
}

export function formatType(t: TypeRef): string {
  const display: Record<string, string> = { int4: 'integer', int8: 'bigint', int2: 'smallint', bpchar: 'char', float8: 'double precision', bool: 'boolean' };
  const base = display[canonicalType(t.name)] ?? t.name;
  return `${base}${t.mods.length ? `(${t.mods.join(',')})` : ''}${t.array ? '[]' : ''}`;
}

/** Every function name called anywhere under a node. */
export function calledFunctions(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) calledFunctions(item, out);
    return out;
  }
  if (!node || typeof node !== 'object') return out;
  for (const [key, value] of Object.entries(node as AstNode)) {
    if (key === 'FuncCall') {
      const names = strings((value as AstNode).funcname);
      if (names.length) out.push(names[names.length - 1]!.toLowerCase());
    }
    if (key === 'SQLValueFunction') out.push(String((value as AstNode).op ?? '').toLowerCase());
    calledFunctions(value, out);
  }
  return out;
}

/** Calls `visit(type, fields)` for every node under `root`, depth first. */
export function walk(root: unknown, visit: (type: string, fields: AstNode) => void): void {
  // Hot path (every node of every statement): plain loops, no per-node allocation.
  if (Array.isArray(root)) {
    for (const item of root) walk(item, visit);
    return;
  }
  if (!root || typeof root !== 'object') return;
  const node = root as AstNode;
  for (const key in node) {
    const value = node[key];
    if (!value || typeof value !== 'object') continue;
    const first = key.charCodeAt(0);
    // Node types are the capitalized keys (`ColumnDef`); fields are lower-case (`colname`).
    if (first >= 65 && first <= 90 && !Array.isArray(value)) visit(key, value as AstNode);
    walk(value, visit);
  }
}

/** Column names referenced by ColumnRef nodes under a node (last field of each reference). */
export function columnRefs(node: unknown): string[] {
  const out: string[] = [];
  walk(node, (type, fields) => {
    if (type === 'ColumnRef') {
      const parts = strings(fields.fields);
      if (parts.length) out.push(parts[parts.length - 1]!);
    }
  });
  return out;
}

/** Index element names: columns, or `(expression)` for expression indexes. */
export function indexColumns(indexParams: Node[] | unknown): string[] {
  const out: string[] = [];
  for (const param of Array.isArray(indexParams) ? indexParams : []) {
    const elem = as(param, 'IndexElem');
    if (!elem) continue;
    if (typeof elem.name === 'string') out.push(elem.name);
    else out.push(`(${columnRefs(elem.expr).join(', ') || 'expression'})`);
  }
  return out;
}
