/**
 * Pieces of a statement's text that the data checks must reuse verbatim — an index's predicate,
 * its expressions, a type change's USING expression — found by a scan that respects parentheses
 * and quotes. libpg-query gives their shape (which elements are expressions, whether there is a
 * predicate); this gives their text, so the check runs the very expression the migration runs.
 */

/** Calls `visit(i, depth)` for each character outside quotes; `visit` returns true to stop. */
function scan(text: string, from: number, visit: (i: number, depth: number) => boolean): void {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" || c === '"') {
      // '' and "" inside a literal are its escape: the scan resumes after the closing quote.
      let j = i + 1;
      while (j < text.length && !(text[j] === c && text[j + 1] !== c)) j += text[j] === c ? 2 : 1;
      i = j;
      continue;
    }
    if (c === '(') depth++;
    if (visit(i, depth)) return;
    if (c === ')') depth--;
  }
}

/** The text after the first top-level match of `keyword` (at parenthesis depth 0), or null. */
export function afterTopLevel(text: string, keyword: RegExp, from = 0): string | null {
  let found: number | null = null;
  scan(text, from, (i, depth) => {
    if (depth !== 0) return false;
    const m = new RegExp(`^${keyword.source}`, 'i').exec(text.slice(i));
    if (!m || /[\w$]/.test(text[i - 1] ?? '')) return false;
    found = i + m[0].length;
    return true;
  });
  return found === null ? null : text.slice(found).trim();
}

/** `text` cut into its top-level comma-separated parts, trimmed. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let start = 0;
  scan(text, 0, (i, depth) => {
    if (depth === 0 && text[i] === ',') {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
    return false;
  });
  parts.push(text.slice(start).trim());
  return parts;
}

/** The content of the first balanced parentheses at or after `from`. */
export function firstParenthesized(text: string, from = 0): string | null {
  let start = -1;
  let result: string | null = null;
  scan(text, from, (i, depth) => {
    if (text[i] === '(' && depth === 1 && start < 0) start = i + 1;
    if (text[i] === ')' && depth === 1 && start >= 0) {
      result = text.slice(start, i);
      return true;
    }
    return false;
  });
  return result;
}

/** An index element as an expression: `lower(email) text_pattern_ops DESC NULLS LAST` → `lower(email)`. */
export function indexElementExpression(element: string): string {
  let e = element.trim();
  for (;;) {
    const next = e.replace(/\s+nulls\s+(first|last)$/i, '').replace(/\s+(asc|desc)$/i, '').replace(/\s+collate\s+("[^"]+"|[\w.]+)$/i, '');
    if (next === e) break;
    e = next;
  }
  // An operator class follows the expression's closing parenthesis.
  return e.replace(/^(.*\))\s+[\w.]+$/s, '$1');
}

/** The elements of `CREATE INDEX … ON table [USING method] ( … )`, as SQL expressions. */
export function indexElements(statement: string): string[] | null {
  const on = /\bon\s+(?:only\s+)?(?:"[^"]+"|[\w$]+)(?:\.(?:"[^"]+"|[\w$]+))?\s*(?:using\s+\w+\s*)?\(/i.exec(statement);
  if (!on) return null;
  const list = firstParenthesized(statement, on.index + on[0].length - 1);
  return list === null ? null : splitTopLevel(list).map(indexElementExpression);
}

/** The USING expression of `ALTER [COLUMN] <column> [SET DATA] TYPE … USING <expr>` in an ALTER TABLE. */
export function usingExpression(statement: string, column: string): string | null {
  const name = column.replace(/[^\w$]/g, '.');
  const clause = new RegExp(`\\balter\\s+(?:column\\s+)?"?${name}"?\\s+(?:set\\s+data\\s+)?type\\b`, 'i').exec(statement);
  if (!clause) return null;
  const rest = statement.slice(clause.index + clause[0].length);
  const ownClause = splitTopLevel(rest)[0] ?? '';
  return afterTopLevel(ownClause, /using\b/);
}
