import { canonicalType, formatType, type TypeRef } from '../../sql/ast.js';
import { defineRule } from '../define.js';
import { columnTypeChange, forEachAlterCommandOnExistingTable } from '../helpers.js';

const INTEGER_RANGE: Record<string, [string, string]> = {
  int2: ['-32768', '32767'],
  int4: ['-2147483648', '2147483647'],
  int8: ['-9223372036854775808', '9223372036854775807'],
};
const NUMERIC_SOURCES = new Set(['int2', 'int4', 'int8', 'numeric', 'float4', 'float8']);

/**
 * The condition that finds the rows the conversion fails on or changes, in SQL that runs against
 * a column of type `from` (each shape is run on PostgreSQL in this rule's tests).
 */
function lossCondition(column: string, from: TypeRef, to: TypeRef): string | null {
  const a = canonicalType(from.name);
  const b = canonicalType(to.name);
  if (from.array || to.array) return null;
  const limit = to.mods[0];
  if ((b === 'varchar' || b === 'bpchar') && limit !== undefined) return `length(${column}) > ${limit}`;
  if (NUMERIC_SOURCES.has(a) && b in INTEGER_RANGE) {
    const [low, high] = INTEGER_RANGE[b]!;
    const fraction = a.startsWith('int') ? '' : `${column} <> round(${column}) OR `;
    return `${fraction}${column} NOT BETWEEN ${low} AND ${high}`;
  }
  if (NUMERIC_SOURCES.has(a) && b === 'numeric' && to.mods.length) {
    const [precision, scale = 0] = to.mods as [number, number?];
    return `${column} <> round(${column}, ${scale}) OR abs(round(${column}, ${scale})) >= 1e${precision - scale}`;
  }
  if ((a === 'timestamp' || a === 'timestamptz') && b === 'date') return `${column} <> date_trunc('day', ${column})`;
  return null;
}

/** PostgreSQL's reserved words: as bare identifiers they are syntax errors. */
const RESERVED = new Set(
  ('all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date current_role ' +
    'current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign from grant group having in ' +
    'initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order placing primary references returning select ' +
    'session_user some symmetric table then to trailing true union unique user using variadic when where window with').split(' '),
);

/** An identifier as SQL: bare when PostgreSQL reads it back unchanged, double-quoted otherwise (mixed case, reserved words). */
function quoteIdentifier(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

/** A query the author can run before the migration: how many rows it would fail on or change. */
function checkQuery(table: string, column: string, from: TypeRef, to: TypeRef): string {
  const relation = table.split('.').map(quoteIdentifier).join('.');
  const quoted = quoteIdentifier(column);
  const condition = lossCondition(quoted, from, to);
  if (condition) return `SELECT count(*) FROM ${relation} WHERE ${condition}`;
  // Any value converts through its text form: the dry run counts nothing, or raises the error the migration would.
  return `SELECT count(*) FROM ${relation} WHERE ${quoted} IS NOT NULL AND (${quoted}::text::${formatType(to)}) IS NULL`;
}

export default defineRule({
  id: 'narrowing-type-change',
  category: 'data_loss',
  pattern: 'change-column-type',
  docs: {
    summary: 'Changing a column to a narrower type (bigint → integer, varchar(100) → varchar(50), timestamp → date) fails on or truncates existing values.',
    problem:
      'A narrowing conversion either aborts the migration on the first value that does not fit, or silently loses information (the time of day, decimal places, text via USING substring).',
    schema: 'CREATE TABLE users (id bigint, name varchar(100));',
    instead: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(50);',
    use: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(200);',
  },
  messages: {
    narrowing: {
      message: 'ALTER COLUMN {{table}}.{{column}} TYPE {{to}} narrows {{from}}: existing values that do not fit make the migration fail, or lose information.',
      recommendation: 'Check the data first (`{{check}}`), fix the outliers in a separate migration, or keep the wider type and enforce the limit with a CHECK … NOT VALID.',
    },
  },
  create(ctx) {
    return {
      Statement(statement) {
        forEachAlterCommandOnExistingTable(ctx, statement, (cmd, table) => {
          const typeChange = columnTypeChange(ctx.catalog, table, cmd);
          if (!typeChange) return;
          const { column, from, to, change } = typeChange;
          if (change.kind !== 'rewrite' || !change.narrowing || !from) return;
          // JUDGMENT.md data_loss: lossy narrowing of existing data is a BLOCK — values are rounded or
          // cut, or the migration fails on the first one that does not fit. A conversion to another kind
          // of type (text → enum, json) narrows nothing in width: the author checks every value converts.
          const conversion = !!change.conversion && !change.lossy;
          ctx.report({ messageId: 'narrowing', status: conversion ? 'FLAG' : 'BLOCK', table, verify: conversion ? `every value in ${table}.${column} converts to ${formatType(to)}` : undefined, data: { table, column, to: formatType(to), from: formatType(from), check: checkQuery(table, column, from, to) } });
        });
      },
    };
  },
});
