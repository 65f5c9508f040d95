import { as, strings, walk } from '../sql/ast.js';
import type { AstNode, Statement } from '../sql/parse.js';

/**
 * Migration SQL is untrusted. Before the trace executes a statement, this decides whether it may:
 * anything that can reach outside the database (files, programs, other servers, the server's
 * configuration) or wait on purpose is refused, and the refusal becomes a finding. PGlite would
 * contain most of it (its file system is WASM memory), but the same trace also runs on a real
 * server, so the rules are the same for both.
 */

/** Longest pg_sleep a traced statement may ask for. */
export const MAX_SLEEP_SECONDS = 1;

const FORBIDDEN_FUNCTIONS = new Map<string, string>([
  ['pg_read_file', 'reads a file on the database server'],
  ['pg_read_binary_file', 'reads a file on the database server'],
  ['pg_stat_file', 'inspects a file on the database server'],
  ['pg_ls_dir', 'lists a directory on the database server'],
  ['pg_file_write', 'writes a file on the database server'],
  ['lo_import', 'reads a server file into a large object'],
  ['lo_export', 'writes a large object to a server file'],
  ['pg_terminate_backend', 'stops other sessions'],
  ['pg_cancel_backend', 'cancels other sessions'],
  ['pg_reload_conf', "reloads the server's configuration"],
  ['pg_rotate_logfile', "rotates the server's log"],
  ['pg_promote', 'promotes a standby'],
  ['pg_sleep_for', 'waits on purpose'],
  ['pg_sleep_until', 'waits on purpose'],
]);
const FORBIDDEN_PREFIXES: [RegExp, string][] = [
  [/^dblink/, 'connects to another server'],
  [/^pg_ls_/, 'lists a directory on the database server'],
  [/^lo_/, 'uses large objects, which can read and write server files'],
];
const UNTRUSTED_LANGUAGES = new Set(['c', 'internal', 'plpython3u', 'plpythonu', 'plperlu', 'pltclu', 'plsh', 'plv8u']);
const FORBIDDEN_EXTENSIONS = new Set(['dblink', 'postgres_fdw', 'file_fdw', 'adminpack', 'plpython3u', 'plperlu', 'pltclu', 'lo']);
const FORBIDDEN_STATEMENTS: Record<string, string> = {
  AlterSystemStmt: "ALTER SYSTEM changes the server's configuration",
  LoadStmt: 'LOAD loads a shared library into the server',
  CreatePLangStmt: 'CREATE LANGUAGE installs a procedural language',
  CreateFdwStmt: 'a foreign-data wrapper reaches other servers',
  CreateForeignServerStmt: 'a foreign server reaches another server',
  CreateUserMappingStmt: 'a user mapping stores credentials for another server',
  CreatedbStmt: 'CREATE DATABASE acts outside the traced database',
  DropdbStmt: 'DROP DATABASE acts outside the traced database',
  CreateTableSpaceStmt: 'a tablespace points at a server directory',
};

/**
 * Roles belong to the whole server, not to the traced database: the trace neither creates nor
 * changes them. Not a refusal (migrations manage roles all the time) — skipped with a note.
 */
export const ROLE_STATEMENTS = new Set(['CreateRoleStmt', 'AlterRoleStmt', 'AlterRoleSetStmt', 'DropRoleStmt', 'GrantRoleStmt']);

/** Names hidden in strings (EXECUTE 'SELECT pg_read_file(…)') that the AST cannot see. */
const TEXT_NET = /\b(pg_read_file|pg_read_binary_file|pg_stat_file|pg_file_write|lo_import|lo_export|dblink\w*|pg_ls_\w+)\s*\(|\bprogram\s+'/i;

/** Why a statement must not run in the trace, or null when it may. */
export function refusal(statement: Statement): string | null {
  const fixed = FORBIDDEN_STATEMENTS[statement.type];
  if (fixed) return fixed;
  const node = statement.node;
  if (statement.type === 'CopyStmt') {
    if (node.is_program) return 'COPY … PROGRAM runs a shell command on the database server';
    if (node.filename) return 'COPY with a file name reads or writes a file on the database server';
  }
  if (statement.type === 'CreateExtensionStmt' && FORBIDDEN_EXTENSIONS.has(String(node.extname)))
    return `extension ${String(node.extname)} reaches outside the database`;
  if (statement.type === 'CreateFunctionStmt') {
    const language = ((node.options as AstNode[] | undefined) ?? []).map((o) => as(o, 'DefElem')).find((d) => d?.defname === 'language');
    const name = strings(language ? [language.arg] : []).join('');
    if (UNTRUSTED_LANGUAGES.has(name.toLowerCase())) return `a function in the untrusted language ${name} can reach the server's operating system`;
  }
  let found: string | null = null;
  walk({ [statement.type]: node }, (type, fields) => {
    if (found || type !== 'FuncCall') return;
    const names = strings(fields.funcname);
    const fn = (names[names.length - 1] ?? '').toLowerCase();
    const reason = FORBIDDEN_FUNCTIONS.get(fn) ?? FORBIDDEN_PREFIXES.find(([re]) => re.test(fn))?.[1];
    if (reason) {
      found = `${fn}() ${reason}`;
      return;
    }
    if (fn === 'pg_sleep') {
      const seconds = constantNumber((fields.args as unknown[] | undefined)?.[0]);
      if (seconds === null || seconds > MAX_SLEEP_SECONDS) found = `pg_sleep(${seconds ?? '…'}) waits longer than the trace allows (${MAX_SLEEP_SECONDS} s)`;
    }
  });
  if (found) return found;
  // Only code can build SQL at run time: DO blocks and function bodies. Elsewhere a name is just a
  // name (ALTER FUNCTION lo_import(text) OWNER TO … calls nothing).
  const runsCode = statement.type === 'DoStmt' || statement.type === 'CreateFunctionStmt' || !!statement.nested;
  const hidden = runsCode ? TEXT_NET.exec(statement.text) : null;
  if (hidden) return `it names ${hidden[1] ?? 'PROGRAM'} (possibly inside a string run with EXECUTE), which reaches outside the database`;
  return null;
}

function constantNumber(node: unknown): number | null {
  const cast = as(node, 'TypeCast');
  if (cast) return constantNumber(cast.arg);
  const value = as(node, 'A_Const');
  if (!value) return null;
  // libpg-query: {ival: {ival: 5}}, {ival: {}} for 0, {fval: {fval: '1e6'}}.
  const ival = value.ival as AstNode | undefined;
  if (ival) return typeof ival.ival === 'number' ? ival.ival : 0;
  const fval = (value.fval as AstNode | undefined)?.fval;
  if (typeof fval === 'string') return Number(fval);
  return null;
}
