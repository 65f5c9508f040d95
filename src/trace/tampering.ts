import { as, rangeVarName, str, strings, walk } from '../sql/ast.js';
import type { AstNode, Statement } from '../sql/parse.js';

/**
 * Statements that could steer what the trace reads back in the same session: they change the
 * search_path (what unqualified names mean), touch prepared statements (the trace's read-back is
 * one), write to or impersonate the system catalogs. The read-back does not depend on any of it
 * (see state.ts), but a migration that tries is not one whose trace may lower a finding.
 */

/** Words in code (DO bodies, function bodies, strings run with EXECUTE) the AST cannot see into. */
const IN_CODE: [RegExp, string][] = [
  [/\bsearch_path\b/i, 'it may change search_path in code it runs'],
  [/\b(?:prepare|deallocate|discard)\b|\bpg_prepared_statements\b/i, 'it may prepare, drop or read prepared statements in code it runs'],
  [/\ballow_system_table_mods\b/i, 'it may allow changes to the system catalogs in code it runs'],
];

/** Where a statement names the object it creates. */
const CREATED_NAME: Record<string, (node: AstNode) => string> = {
  CreateStmt: (node) => rangeVarName(node.relation as AstNode),
  ViewStmt: (node) => rangeVarName(node.view as AstNode),
  CreateTableAsStmt: (node) => rangeVarName(as(node.into, 'IntoClause')?.rel as AstNode),
  CreateSeqStmt: (node) => rangeVarName(node.sequence as AstNode),
  CreateFunctionStmt: (node) => strings(node.funcname).join('.'),
  DefineStmt: (node) => strings(node.defnames).join('.'),
  CompositeTypeStmt: (node) => rangeVarName(node.typevar as AstNode),
  RenameStmt: (node) => String(node.newname ?? ''),
};
const WRITES = new Set(['InsertStmt', 'UpdateStmt', 'DeleteStmt']);

/** Why this statement (with the ones nested in it) could steer the trace's read-back; empty when it cannot. */
export function steeringAttempts(statement: Statement, nested: Statement[]): string[] {
  const reasons = new Set<string>();
  for (const s of [statement, ...nested]) for (const reason of ofStatement(s)) reasons.add(reason);
  const code = codeOf(statement);
  for (const [pattern, reason] of IN_CODE) if (code && pattern.test(code)) reasons.add(reason);
  return [...reasons];
}

function ofStatement({ type, node }: Statement): string[] {
  const reasons: string[] = [];
  if (type === 'VariableSetStmt' && node.name === 'search_path') reasons.push('it changes search_path');
  if (type === 'VariableSetStmt' && node.name === 'allow_system_table_mods') reasons.push('it allows changes to the system catalogs');
  if (type === 'PrepareStmt' || type === 'DeallocateStmt' || type === 'DiscardStmt') reasons.push(`it runs ${type.replace(/Stmt$/, '').toUpperCase()}`);
  const created = CREATED_NAME[type]?.(node) ?? '';
  if (/(^|\.)pg_/.test(created)) reasons.push(`it creates ${created}, named like a system catalog object`);
  if (WRITES.has(type) && /^(pg_catalog\.)?pg_/.test(rangeVarName(node.relation as AstNode))) reasons.push('it writes to a system catalog');
  walk({ [type]: node }, (kind, fields) => {
    if (kind !== 'FuncCall' || strings(fields.funcname).pop() !== 'set_config') return;
    // libpg-query: a string constant is { A_Const: { sval: { sval: 'search_path' } } }.
    const constant = as((fields.args as unknown[] | undefined)?.[0], 'A_Const');
    const setting = String((constant?.sval as AstNode | undefined)?.sval ?? '');
    if (setting !== 'allow_system_table_mods' && setting !== 'search_path' && setting !== '') return;
    reasons.push(`it calls set_config(${setting ? `'${setting}'` : '…'})`);
  });
  return reasons;
}

/** The code a statement runs that the parser sees only as a string: a DO block's or a function's body. */
function codeOf({ type, node }: Statement): string {
  const options = (type === 'DoStmt' ? node.args : type === 'CreateFunctionStmt' ? node.options : undefined) as AstNode[] | undefined;
  const body = (options ?? []).map((o) => as(o, 'DefElem')).find((d) => d?.defname === 'as');
  if (!body) return '';
  const arg = body.arg;
  return as(arg, 'List') ? strings(as(arg, 'List')!.items).join('\n') : str(arg);
}
