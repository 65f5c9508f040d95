import { createRequire } from 'node:module';
import type * as PgQuery from 'libpg-query';

/**
 * libpg-query wrapper: the real PostgreSQL parser, loaded once per process. Turns SQL text into
 * statements with exact 1-based lines, keeps going past a syntax error (the bad statement becomes
 * a ParseProblem at its line, the others are still parsed), and looks inside DO blocks and
 * PL/pgSQL functions where backfills hide.
 */

// The WASM build ships CommonJS and ESM; the CommonJS entry loads synchronously-safe in Jest's VM.
const require = createRequire(import.meta.url);
const pg = require('libpg-query') as typeof PgQuery;

let loading: Promise<void> | null = null;
/** Loads the WASM module once per process. Every entry point awaits this before parsing. */
export function loadParser(): Promise<void> {
  loading ??= pg.loadModule();
  return loading;
}

/** An AST node as libpg-query emits it: `{ NodeType: { …fields } }`. */
export type AstNode = Record<string, unknown>;

export interface Statement {
  /** Node type, e.g. `IndexStmt`, `AlterTableStmt`. */
  type: string;
  /** The node's fields (the value under the type key). */
  node: AstNode;
  /** 1-based line of the statement's first token, in the file. */
  line: number;
  endLine: number;
  /** Source text of the statement (without the trailing semicolon). */
  text: string;
  /** Set for statements found inside a DO block or a called function. */
  nested?: NestedInfo;
}

export interface NestedInfo {
  /** `DO` or the function's name. */
  container: string;
  /** Inside a LOOP / WHILE / FOR. */
  inLoop: boolean;
  /** The enclosing loop calls pg_sleep (throttled batches). */
  loopSleeps: boolean;
  /** The enclosing loop commits between batches (procedures with COMMIT). */
  loopCommits: boolean;
}

export interface ParseProblem {
  line: number;
  message: string;
  /** The file cannot be what it seems (a NUL byte): no reading of it is trustworthy. */
  invalidFile?: boolean;
}

export interface ParsedSql {
  statements: Statement[];
  problems: ParseProblem[];
}

/** Maps byte offsets (what libpg-query reports) to lines and text in a UTF-8 string. */
class SourceMap {
  readonly bytes: Buffer;
  private readonly newlines: number[] = [];
  constructor(
    text: string,
    private readonly firstLine: number,
  ) {
    this.bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i < this.bytes.length; i++) if (this.bytes[i] === 10) this.newlines.push(i);
  }
  lineAt(byteOffset: number): number {
    let lo = 0;
    let hi = this.newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.newlines[mid]! < byteOffset) lo = mid + 1;
      else hi = mid;
    }
    return this.firstLine + lo;
  }
  slice(start: number, end: number): string {
    return this.bytes.subarray(start, end).toString('utf8');
  }
}

/** Skips whitespace and comments so a statement's line is the line of its first keyword. */
function skipTrivia(bytes: Buffer, at: number, end: number): number {
  let i = at;
  while (i < end) {
    const c = bytes[i]!;
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) {
      i++;
    } else if (c === 45 && bytes[i + 1] === 45) {
      while (i < end && bytes[i] !== 10) i++;
    } else if (c === 47 && bytes[i + 1] === 42) {
      let depth = 1;
      i += 2;
      while (i < end && depth > 0) {
        if (bytes[i] === 47 && bytes[i + 1] === 42) {
          depth++;
          i += 2;
        } else if (bytes[i] === 42 && bytes[i + 1] === 47) {
          depth--;
          i += 2;
        } else i++;
      }
    } else break;
  }
  return i;
}

interface RawStmt {
  stmt?: AstNode;
  stmt_location?: number;
  stmt_len?: number;
}

/**
 * Parses SQL text that starts at `firstLine` of its file. `chunks` (byte ranges) are parsed one by
 * one, for runners that split statements themselves (goose StatementBegin/End).
 */
export function parseSql(text: string, firstLine = 1, chunks?: { start: number; end: number }[]): ParsedSql {
  // libpg-query takes a C string, so a NUL would end the file there and hide every later
  // statement; PostgreSQL rejects a query string that holds one. Report it, and parse the text
  // with the NULs as spaces (one byte for one, so offsets and lines stay true) so the statements
  // after it are still checked.
  const nul = text.indexOf('\0');
  const map = new SourceMap(nul >= 0 ? text.replace(/\0/g, ' ') : text, firstLine);
  const out: ParsedSql = { statements: [], problems: [] };
  if (nul >= 0) out.problems.push({ line: lineOfOffset(text, nul, firstLine), message: NUL_PROBLEM, invalidFile: true });
  const ranges = chunks?.length ? chunks : [{ start: 0, end: map.bytes.length }];
  for (const range of ranges) parseRange(map, range.start, range.end, out);
  // Files are read as UTF-8 with replacement: U+FFFD marks bytes that were not UTF-8, which
  // PostgreSQL refuses ("invalid byte sequence for encoding UTF8").
  const bad = text.indexOf('\uFFFD');
  if (bad >= 0) {
    out.problems.push({
      line: lineOfOffset(text, bad, firstLine),
      message: 'invalid UTF-8 byte sequence — PostgreSQL rejects the file ("invalid byte sequence for encoding UTF8"); save it as UTF-8',
    });
  }
  out.problems.sort((a, b) => a.line - b.line);
  return out;
}

const NUL_PROBLEM =
  'NUL byte (\\0) in the file — PostgreSQL rejects a query string that contains one ("invalid message format"), and a client that passes the file on as a C string silently drops everything after it; remove it';

/** The file line of a character offset in `text`, which starts at `firstLine`. */
function lineOfOffset(text: string, offset: number, firstLine: number): number {
  return firstLine + (text.slice(0, offset).match(/\n/g)?.length ?? 0);
}

function parseRange(map: SourceMap, start: number, end: number, out: ParsedSql): void {
  const sql = map.slice(start, end);
  if (!sql.trim()) return;
  try {
    const result = pg.parseSync(sql) as { stmts?: RawStmt[] };
    addStatements(map, start, end, result.stmts ?? [], out);
  } catch (error) {
    // One bad statement must not hide the rest of the file: split on top-level semicolons
    // with the real lexer and parse each piece on its own.
    const pieces = splitStatements(sql);
    if (pieces.length <= 1) {
      out.problems.push(problemFrom(error, map, start, sql));
      return;
    }
    const base = Buffer.from(sql, 'utf8');
    for (const piece of pieces) {
      const pieceText = base.subarray(piece.start, piece.end).toString('utf8');
      if (!pieceText.trim()) continue;
      try {
        const result = pg.parseSync(pieceText) as { stmts?: RawStmt[] };
        addStatements(map, start + piece.start, start + piece.end, result.stmts ?? [], out);
      } catch (pieceError) {
        out.problems.push(problemFrom(pieceError, map, start + piece.start, pieceText));
      }
    }
  }
}

function addStatements(map: SourceMap, base: number, end: number, stmts: RawStmt[], out: ParsedSql): void {
  for (const raw of stmts) {
    if (!raw.stmt) continue;
    const type = Object.keys(raw.stmt)[0]!;
    const node = raw.stmt[type] as AstNode;
    const from = base + (raw.stmt_location ?? 0);
    const to = raw.stmt_len ? from + raw.stmt_len : end;
    const first = skipTrivia(map.bytes, from, to);
    const statement: Statement = {
      type,
      node,
      line: map.lineAt(first),
      endLine: map.lineAt(Math.max(first, to - 1)),
      text: map.slice(first, to).trim(),
    };
    out.statements.push(statement);
  }
}

function problemFrom(error: unknown, map: SourceMap, base: number, sql: string): ParseProblem {
  const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
  const message = (error as Error).message ?? String(error);
  let offset = base + skipTrivia(Buffer.from(sql, 'utf8'), 0, Buffer.byteLength(sql));
  if (details?.cursorPosition !== undefined && details.cursorPosition >= 0) {
    // The cursor is a character position in the piece we parsed.
    offset = base + Buffer.byteLength(sql.slice(0, details.cursorPosition));
  }
  return { line: map.lineAt(offset), message };
}

/** Byte ranges of top-level statements, split on `;` tokens by PostgreSQL's own scanner. */
function splitStatements(sql: string): { start: number; end: number }[] {
  let tokens: { start: number; end: number; text: string }[];
  try {
    tokens = pg.scanSync(sql).tokens;
  } catch {
    return [];
  }
  const bytes = Buffer.byteLength(sql);
  const pieces: { start: number; end: number }[] = [];
  let start = 0;
  for (const token of tokens) {
    if (token.text === ';') {
      pieces.push({ start, end: token.end });
      start = token.end;
    }
  }
  if (start < bytes) pieces.push({ start, end: bytes });
  return pieces;
}

// ---------------------------------------------------------------------------------------------
// PL/pgSQL: statements inside DO blocks and function bodies.

interface PlContext {
  inLoop: boolean;
  loopSleeps: boolean;
  loopCommits: boolean;
}

/**
 * Statements that a DO block (or a PL/pgSQL body) runs, each with its line in the file.
 * `bodyLine` is the file line where the body text starts.
 */
export function statementsInPlpgsql(body: string, bodyLine: number, container: string): ParsedSql {
  const out: ParsedSql = { statements: [], problems: [] };
  const tag = pickDollarTag(body);
  const wrapper = `CREATE FUNCTION migration_review_do() RETURNS void LANGUAGE plpgsql AS ${tag}${body}${tag}`;
  let parsed: { plpgsql_funcs?: AstNode[] };
  try {
    parsed = pg.parsePlPgSQLSync(wrapper) as { plpgsql_funcs?: AstNode[] };
  } catch (error) {
    out.problems.push({ line: bodyLine, message: `in ${container} body: ${(error as Error).message}` });
    return out;
  }
  const fn = parsed.plpgsql_funcs?.[0]?.PLpgSQL_function as AstNode | undefined;
  const action = (fn?.action as AstNode | undefined)?.PLpgSQL_stmt_block as AstNode | undefined;
  if (!action) return out;
  walkPl(action, { inLoop: false, loopSleeps: false, loopCommits: false }, bodyLine, container, out);
  return out;
}

function pickDollarTag(body: string): string {
  let tag = '$mr$';
  for (let i = 0; body.includes(tag); i++) tag = `$mr${i}$`;
  return tag;
}

const LOOP_KINDS = new Set([
  'PLpgSQL_stmt_loop',
  'PLpgSQL_stmt_while',
  'PLpgSQL_stmt_fori',
  'PLpgSQL_stmt_fors',
  'PLpgSQL_stmt_forc',
  'PLpgSQL_stmt_dynfors',
  'PLpgSQL_stmt_foreach_a',
]);

function walkPl(value: unknown, ctx: PlContext, bodyLine: number, container: string, out: ParsedSql): void {
  if (Array.isArray(value)) {
    for (const item of value) walkPl(item, ctx, bodyLine, container, out);
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value as AstNode)) {
    if (LOOP_KINDS.has(key)) {
      const text = JSON.stringify(inner);
      const loopCtx: PlContext = {
        inLoop: true,
        loopSleeps: ctx.loopSleeps || /pg_sleep/i.test(text),
        loopCommits: ctx.loopCommits || text.includes('PLpgSQL_stmt_commit'),
      };
      walkPl(inner, loopCtx, bodyLine, container, out);
      continue;
    }
    if (key === 'PLpgSQL_stmt_execsql' || key === 'PLpgSQL_stmt_perform') {
      const fields = inner as AstNode;
      const expr = (fields.sqlstmt ?? fields.expr) as AstNode | undefined;
      const query = (expr?.PLpgSQL_expr as AstNode | undefined)?.query as string | undefined;
      const lineno = (fields.lineno as number | undefined) ?? 1;
      if (query) addNested(key === 'PLpgSQL_stmt_perform' ? `SELECT ${query}` : query, bodyLine + lineno - 1, container, ctx, out);
      continue;
    }
    if (key === 'PLpgSQL_stmt_dynexecute') {
      const fields = inner as AstNode;
      const query = ((fields.query as AstNode | undefined)?.PLpgSQL_expr as AstNode | undefined)?.query as string | undefined;
      // EXECUTE 'literal SQL' is common in migrations (conditional DDL); look inside literals.
      const literal = query?.match(/^\s*'((?:[^']|'')*)'\s*$/s)?.[1]?.replace(/''/g, "'");
      if (literal) addNested(literal, bodyLine + ((fields.lineno as number | undefined) ?? 1) - 1, container, ctx, out);
      continue;
    }
    walkPl(inner, ctx, bodyLine, container, out);
  }
}

function addNested(query: string, line: number, container: string, ctx: PlContext, out: ParsedSql): void {
  let result: { stmts?: RawStmt[] };
  try {
    result = pg.parseSync(query) as { stmts?: RawStmt[] };
  } catch {
    // Queries with PL/pgSQL variables (INTO, :=) can fail to parse on their own; not our error.
    return;
  }
  for (const raw of result.stmts ?? []) {
    if (!raw.stmt) continue;
    const type = Object.keys(raw.stmt)[0]!;
    out.statements.push({
      type,
      node: raw.stmt[type] as AstNode,
      line,
      endLine: line,
      text: query.trim(),
      nested: { container, ...ctx },
    });
  }
}

/** The body and starting line of a DO statement's code, when it is PL/pgSQL. */
export function doBlockBody(stmt: Statement): { body: string; line: number } | null {
  const args = (stmt.node.args as AstNode[] | undefined) ?? [];
  let body: string | undefined;
  let language = 'plpgsql';
  for (const arg of args) {
    const def = arg.DefElem as AstNode | undefined;
    const sval = ((def?.arg as AstNode | undefined)?.String as AstNode | undefined)?.sval as string | undefined;
    if (def?.defname === 'as') body = sval;
    if (def?.defname === 'language' && sval) language = sval.toLowerCase();
  }
  if (body === undefined || language !== 'plpgsql') return null;
  return { body, line: stmt.line + lineOffsetOfBody(stmt.text, body) };
}

/** The number of lines between a statement's start and the start of its quoted body. */
function lineOffsetOfBody(text: string, body: string): number {
  const at = text.indexOf(body);
  if (at < 0) return 0;
  return text.slice(0, at).split('\n').length - 1;
}

/** Deparse is not needed; fingerprints help group identical statements across files. */
export function fingerprint(sql: string): string | null {
  try {
    return pg.fingerprintSync(sql);
  } catch {
    return null;
  }
}
