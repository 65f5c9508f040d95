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

const RUNS_SQL_TEXT = 'runs SQL given as text, which the review cannot check before it runs';
const FORBIDDEN_FUNCTIONS = new Map<string, string>([
  ['pg_read_file', 'reads a file on the database server'],
  ['pg_read_binary_file', 'reads a file on the database server'],
  ['pg_stat_file', 'inspects a file on the database server'],
  ['pg_ls_dir', 'lists a directory on the database server'],
  ['pg_logdir_ls', 'lists a directory on the database server'],
  ['lo_import', 'reads a server file into a large object'],
  ['lo_export', 'writes a large object to a server file'],
  ['pg_terminate_backend', 'stops other sessions'],
  ['pg_cancel_backend', 'cancels other sessions'],
  ['pg_reload_conf', "reloads the server's configuration"],
  ['pg_rotate_logfile', "rotates the server's log"],
  ['pg_log_backend_memory_contexts', "writes another session's memory to the server log"],
  ['pg_promote', 'promotes a standby'],
  ['pg_wal_replay_pause', "pauses a standby's replay"],
  ['pg_wal_replay_resume', "resumes a standby's replay"],
  ['pg_switch_wal', 'switches the whole server to a new WAL file'],
  ['pg_create_restore_point', "writes a restore point into the whole server's WAL"],
  ['pg_sleep_for', 'waits on purpose'],
  ['pg_sleep_until', 'waits on purpose'],
  ['query_to_xml', RUNS_SQL_TEXT],
  ['query_to_xmlschema', RUNS_SQL_TEXT],
  ['query_to_xml_and_xmlschema', RUNS_SQL_TEXT],
  ['cursor_to_xml', RUNS_SQL_TEXT],
  ['cursor_to_xmlschema', RUNS_SQL_TEXT],
  ['ts_stat', RUNS_SQL_TEXT],
  ['connectby', RUNS_SQL_TEXT],
]);
const FORBIDDEN_PREFIXES: [RegExp, string][] = [
  [/^dblink/, 'connects to another server'],
  [/^pg_ls_/, 'lists a directory on the database server'],
  [/^pg_file_/, 'writes, renames or deletes a file on the database server'],
  [/^lo_/, 'uses large objects, and large objects can be read from and written to server files'],
  [/^pg_(create|drop|copy)_\w*replication_slot$/, 'manages a replication slot, which keeps WAL on the server until its disk fills'],
  [/^pg_replication_origin_/, "changes the whole server's replication state"],
  [/^pg_(start|stop)_backup$|^pg_backup_(start|stop)$/, 'puts the whole server into backup mode'],
  [/^pg_stat_reset/, "resets statistics the server's monitoring relies on"],
  [/^(table|schema|database)_to_xml/, 'reads whole tables into one value: nothing a migration needs'],
  [/^crosstab\d?$/, RUNS_SQL_TEXT],
];
const UNTRUSTED_LANGUAGES = new Set(['c', 'internal', 'plpython3u', 'plpythonu', 'plperlu', 'pltclu', 'plsh', 'plv8u']);
const FORBIDDEN_EXTENSIONS = new Set(['dblink', 'postgres_fdw', 'file_fdw', 'adminpack', 'plpython3u', 'plperlu', 'pltclu', 'lo']);
const OUTSIDE_THE_DATABASE = 'acts on a database, not inside the traced one, and what it sets outlives the trace';
const FORBIDDEN_STATEMENTS: Record<string, string> = {
  AlterSystemStmt: "ALTER SYSTEM changes the server's configuration",
  LoadStmt: 'LOAD loads a shared library into the server',
  CreatePLangStmt: 'CREATE LANGUAGE installs a procedural language',
  CreateFdwStmt: 'a foreign-data wrapper reaches other servers',
  CreateForeignServerStmt: 'a foreign server reaches another server',
  CreateUserMappingStmt: 'a user mapping stores credentials for another server',
  CreateSubscriptionStmt: 'a subscription opens a connection to another server',
  AlterSubscriptionStmt: 'a subscription opens a connection to another server',
  CreatedbStmt: 'CREATE DATABASE acts outside the traced database',
  DropdbStmt: 'DROP DATABASE acts outside the traced database',
  AlterDatabaseStmt: `ALTER DATABASE ${OUTSIDE_THE_DATABASE}`,
  AlterDatabaseSetStmt: `ALTER DATABASE … SET ${OUTSIDE_THE_DATABASE}`,
  AlterDatabaseRefreshCollStmt: `ALTER DATABASE ${OUTSIDE_THE_DATABASE}`,
  CreateTableSpaceStmt: 'a tablespace points at a server directory',
  CheckPointStmt: 'CHECKPOINT makes the whole server write out its buffers',
  ReassignOwnedStmt: 'REASSIGN OWNED also moves databases and tablespaces, which the whole server shares',
  DropOwnedStmt: 'DROP OWNED also revokes rights on databases and tablespaces, which the whole server shares',
};
/** RENAME and OWNER TO of objects the whole server shares. */
const SHARED_OBJECTS = new Set(['OBJECT_DATABASE', 'OBJECT_TABLESPACE']);

/**
 * Roles belong to the whole server, not to the traced database: the trace neither creates nor
 * changes them. Not a refusal (migrations manage roles all the time) — skipped with a note.
 */
export const ROLE_STATEMENTS = new Set(['CreateRoleStmt', 'AlterRoleStmt', 'AlterRoleSetStmt', 'DropRoleStmt', 'GrantRoleStmt']);
/** A role change inside a DO block cannot be skipped on its own: the block is refused. */
const ROLE_CHANGES_IN_CODE = new Set(['AlterRoleStmt', 'AlterRoleSetStmt']);

/**
 * Settings under which PostgreSQL reads a statement differently from the review's parser: with
 * standard_conforming_strings off, or a client encoding such as SJIS or GBK whose second byte can
 * be a backslash, the server sees code where the review saw a string literal (and refused
 * nothing). Each with the values that keep the two in agreement.
 */
const LEXICAL_SETTINGS = new Map<string, RegExp>([
  ['standard_conforming_strings', /^(on|true|yes|1)$/i],
  ['backslash_quote', /^(safe_encoding|off|false|no|0)$/i],
  ['client_encoding', /^(utf-?8|unicode)$/i],
]);

/**
 * Statements that name a function and set up no call of it (ALTER FUNCTION lo_import(text) OWNER
 * TO …, as supabase's migrations do). Others that name one set up a later call (CREATE OPERATOR …
 * FUNCTION = lo_export), or make it callable under another name (RENAME, SET SCHEMA).
 */
const NAMES_ONLY = new Set(['GrantStmt', 'CommentStmt', 'DropStmt', 'SecLabelStmt', 'AlterOwnerStmt', 'AlterFunctionStmt', 'AlterObjectDependsStmt']);
/** Where other statements keep the name of a function they will call, outside FuncCall and ObjectWithArgs nodes. */
const FUNCTION_FIELDS: Record<string, (fields: AstNode) => unknown[]> = {
  CreateCastStmt: (f) => [(f.func as AstNode | undefined)?.objname],
  CreateTrigStmt: (f) => [f.funcname],
  CreateEventTrigStmt: (f) => [f.funcname],
  CreateConversionStmt: (f) => [f.func_name],
  CreateTransformStmt: (f) => [(f.fromsql as AstNode | undefined)?.objname, (f.tosql as AstNode | undefined)?.objname],
  CreateOpClassItem: (f) => [(f.name as AstNode | undefined)?.objname],
  ObjectWithArgs: (f) => [f.objname],
  // CREATE OPERATOR / AGGREGATE … (FUNCTION = lo_export): a name, parsed as a type name or a list.
  DefElem: (f) => (f.defname === 'as' ? [] : [as(f.arg, 'TypeName')?.names, as(f.arg, 'List')?.items]),
};

/** Names hidden in code (EXECUTE 'SELECT pg_read_file(…)') that the AST cannot see, with what they do. */
const IN_CODE: [RegExp, string][] = [
  [/\b(pg_read_file|pg_read_binary_file|pg_stat_file|pg_file_\w+|pg_logdir_ls|lo_\w+|dblink\w*|pg_ls_\w+)\s*\(/i, 'reaches outside the database'],
  [/\b(pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|pg_promote|pg_log_backend_memory_contexts)\s*\(/i, 'signals other sessions or the server'],
  [/\b(query_to_xml\w*|cursor_to_xml\w*|ts_stat|crosstab\d?|connectby)\s*\(/i, RUNS_SQL_TEXT],
  [/\b(program)\s+(?:[eE]?'|\$|%)/i, 'runs a program on the database server'],
  [/\b(alter\s+(?:role|user|group|database|system))\b/i, 'changes a role, a database or the server, which outlive the trace'],
];

/** Why a statement must not run in the trace, or null when it may. */
export function refusal(statement: Statement): string | null {
  return fixedRefusal(statement) ?? namedFunctionRefusal(statement) ?? settingRefusal(statement) ?? codeRefusal(statement);
}

/** Refusals by the kind of statement. */
function fixedRefusal({ type, node, nested }: Statement): string | null {
  const fixed = FORBIDDEN_STATEMENTS[type];
  if (fixed) return fixed;
  if (type === 'CopyStmt') {
    if (node.is_program) return 'COPY … PROGRAM runs a shell command on the database server';
    if (node.filename) return 'COPY with a file name reads or writes a file on the database server';
    // Its rows follow in psql's format, which is no SQL: sent alone, the server waits for them.
    if (node.is_from) return 'COPY … FROM STDIN needs rows the trace does not send';
  }
  if (type === 'CreateExtensionStmt' && FORBIDDEN_EXTENSIONS.has(String(node.extname))) return `extension ${String(node.extname)} reaches outside the database`;
  if (type === 'CreateFunctionStmt') {
    const language = ((node.options as AstNode[] | undefined) ?? []).map((o) => as(o, 'DefElem')).find((d) => d?.defname === 'language');
    const name = strings(language ? [language.arg] : []).join('');
    if (UNTRUSTED_LANGUAGES.has(name.toLowerCase())) return `a function in the untrusted language ${name} can reach the server's operating system`;
  }
  if ((type === 'RenameStmt' && SHARED_OBJECTS.has(String(node.renameType))) || (type === 'AlterOwnerStmt' && SHARED_OBJECTS.has(String(node.objectType))))
    return 'it renames or gives away a database or tablespace, which the whole server shares';
  if (nested && ROLE_CHANGES_IN_CODE.has(type)) return "it changes a role inside code the trace would run: roles are shared by the whole server, and a role's settings outlive the trace";
  return null;
}

/** A forbidden function called, or named where it will be called later (an operator, a cast, an aggregate over lo_export). */
function namedFunctionRefusal({ type, node }: Statement): string | null {
  if (NAMES_ONLY.has(type)) return null;
  let found: string | null = null;
  walk({ [type]: node }, (kind, fields) => {
    if (found) return;
    if (kind === 'FuncCall') {
      found = calledRefusal(fields);
      return;
    }
    for (const names of FUNCTION_FIELDS[kind]?.(fields) ?? []) {
      const fn = (strings(names).pop() ?? '').toLowerCase();
      const reason = forbiddenFunction(fn);
      if (reason) found = `it sets up a later call of ${fn}(), which ${reason}`;
    }
  });
  return found;
}

function forbiddenFunction(fn: string): string | undefined {
  return FORBIDDEN_FUNCTIONS.get(fn) ?? FORBIDDEN_PREFIXES.find(([re]) => re.test(fn))?.[1];
}

/** Why a function call must not run: a forbidden function, a long sleep, ts_rewrite's query form, a lexical setting. */
function calledRefusal(call: AstNode): string | null {
  const fn = (strings(call.funcname).pop() ?? '').toLowerCase();
  const args = (call.args as unknown[] | undefined) ?? [];
  const reason = forbiddenFunction(fn);
  if (reason) return `${fn}() ${reason}`;
  if (fn === 'pg_sleep') {
    const seconds = constantNumber(args[0]);
    if (seconds === null || seconds > MAX_SLEEP_SECONDS) return `pg_sleep(${seconds ?? '…'}) waits longer than the trace allows (${MAX_SLEEP_SECONDS} s)`;
  }
  // ts_rewrite(query, 'SELECT …'): the two-argument form runs the query in its text.
  if (fn === 'ts_rewrite' && args.length === 2) return `ts_rewrite() with a query ${RUNS_SQL_TEXT}`;
  if (fn === 'set_config') {
    const name = constantText(args[0]);
    if (name === null) return 'set_config() with a setting named at run time may change how the server reads the next statements';
    return lexicalRefusal(name, constantText(args[1]));
  }
  return null;
}

/** SET of a lexical setting to a value under which the server would read statements differently (also in a function's SET clause). */
function settingRefusal({ type, node }: Statement): string | null {
  let found: string | null = null;
  walk({ [type]: node }, (kind, fields) => {
    if (found || kind !== 'VariableSetStmt' || fields.kind !== 'VAR_SET_VALUE') return;
    const value = (fields.args as unknown[] | undefined)?.[0];
    const number = constantNumber(value);
    found = lexicalRefusal(String(fields.name ?? ''), constantText(value) ?? (number === null ? null : String(number)));
  });
  return found;
}

function lexicalRefusal(name: string, value: string | null): string | null {
  const safe = LEXICAL_SETTINGS.get(name.toLowerCase());
  if (!safe || (value !== null && safe.test(value.trim()))) return null;
  return `setting ${name} to ${value === null ? 'a value chosen at run time' : `'${value}'`} makes the server read later statements differently from this review, which could hide code inside a string`;
}

/** Only code can build SQL at run time: DO blocks and function bodies. Elsewhere a name is just a name. */
function codeRefusal(statement: Statement): string | null {
  const runsCode = statement.type === 'DoStmt' || statement.type === 'CreateFunctionStmt' || !!statement.nested;
  if (!runsCode) return null;
  for (const [pattern, reason] of IN_CODE) {
    const hidden = pattern.exec(statement.text);
    if (hidden) return `it names ${hidden[1]!.replace(/\s+/g, ' ')} (possibly inside a string run with EXECUTE), which ${reason}`;
  }
  return null;
}

function constantText(node: unknown): string | null {
  const cast = as(node, 'TypeCast');
  if (cast) return constantText(cast.arg);
  const sval = (as(node, 'A_Const')?.sval as AstNode | undefined)?.sval;
  return typeof sval === 'string' ? sval : null;
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
