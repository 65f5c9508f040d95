import type { ObjectType } from '@pgsql/types';
import { as, formatType, qualifiedName, rangeVarName, statementNode, strings } from '../../sql/ast.js';
import type { AstNode, Statement } from '../../sql/parse.js';
import { defineRule, type RuleContext } from '../define.js';
import { alterCommands, alteredTable, columnTypeChange, forEachAlterCommand, forEachAlterCommandOnExistingTable } from '../helpers.js';

export default defineRule({
  id: 'irreversible-down',
  category: 'missing_rollback',
  pattern: 'write-the-rollback',
  docs: {
    summary: 'The down script cannot restore what the up changed: it narrows a type back and loses values, fails to write saved data back, or leaves created objects behind.',
    problem:
      'A rollback runs in the middle of an incident, on data written since the deploy. A down that casts a widened column back (numeric → integer, text → varchar(20)) rounds or rejects every value the new code wrote. A down that forgets to drop what the up created leaves the schema half rolled back, and the next up fails on "already exists". (Dropping data the code still uses is reported by drop-column and drop-table, with this category.)',
    schema: 'CREATE TABLE invoices (id bigint PRIMARY KEY, amount integer);',
    instead: '-- up: ALTER TABLE invoices ALTER COLUMN amount TYPE numeric(12,2);   down: ALTER TABLE invoices ALTER COLUMN amount TYPE integer;\nALTER TABLE invoices ALTER COLUMN amount TYPE numeric(12,2);',
    use: '-- up: ALTER TABLE invoices ADD COLUMN note text;   down: ALTER TABLE invoices DROP COLUMN note;\nALTER TABLE invoices ADD COLUMN note text;',
  },
  messages: {
    lossyDown: {
      message:
        'The down script changes {{column}} back from {{from}} to {{to}}: a rollback after this deploy {{loss}} every value written since, so the rollback itself destroys data.',
      recommendation: 'Make the down keep every value (leave the wider type in place and only revert what is safe), or state in the file that this step is rolled forward, not back, and how.',
    },
    dataLost: {
      message: 'The up script {{what}}; the down script can only bring back the structure, not the data, so a rollback after this deploy loses it.',
      recommendation: 'Keep the data recoverable: copy it to a backup table (or keep the column unused for a release) before dropping, and have the down restore from that copy.',
    },
    notRestored: {
      message: 'The up script drops {{object}}, but the down script does not re-create it: a rollback leaves the schema without it, and an earlier migration\'s down that drops it (without IF EXISTS) then fails.',
      recommendation: 'Re-create {{object}} in the down script, as it was defined before this migration.',
    },
    leftBehind: {
      message: 'The up script creates {{object}}, but the down script does not drop it: a rollback leaves it behind and re-running the up fails with "already exists".',
      recommendation: 'Add `{{undo}}` to the down script.',
    },
  },
  create(ctx) {
    const destroyed: { line: number; what: string; restoredBy?: (down: Statement[]) => boolean }[] = [];
    // Columns whose values an earlier statement copied out (CREATE TABLE … AS SELECT, INSERT … SELECT).
    const saved = new Set<string>();
    const restores = (down: Statement[], table: string, column: string): boolean =>
      down.some((s) => {
        const update = statementNode(s, 'UpdateStmt');
        return !!update && rangeVarName(update.relation) === table && (update.targetList ?? []).some((t) => as(t, 'ResTarget')?.name === column);
      });
    const created: Created[] = [];
    const removed: Removed[] = [];
    return {
      Statement(statement) {
        if (statement.nested || !ctx.file.down) return;
        if (statement.type === 'CreateTableAsStmt' || statement.type === 'InsertStmt') for (const key of copiedColumns(statement)) saved.add(key);
        forEachAlterCommandOnExistingTable(ctx, statement, (cmd, table) => {
          const column = cmd.name;
          // Only values the up saved to bring back: a plain drop is drop-column's finding.
          if (cmd.subtype !== 'AT_DropColumn' || !column || !saved.has(`${table}.${column}`)) return;
          destroyed.push({
            line: statement.line,
            what: `drops column ${table}.${column} with its values`,
            // Kept: the up saved the values and the down writes them back.
            restoredBy: (down) => restores(down, table, column),
          });
        });
        removed.push(...objectsRemoved(ctx, statement));
        created.push(...objectsCreated(ctx, statement));
      },
      'File:exit'() {
        const down = ctx.down;
        if (!down || down.problems.length > 0 || down.statements.length === 0) return;
        // The catalog now holds the schema after the up: what the down's type changes do to it.
        // A column the down renames back first is found under its name after the up.
        const upName = new Map<string, string>();
        for (const statement of down.statements) {
          const rename = statementNode(statement, 'RenameStmt');
          if (rename?.renameType === 'OBJECT_COLUMN' && rename.subname && rename.newname) {
            upName.set(`${rangeVarName(rename.relation)}.${rename.newname}`, upName.get(`${rangeVarName(rename.relation)}.${rename.subname}`) ?? rename.subname);
          }
          forEachAlterCommand(statement, (cmd, table) => {
            const change = columnTypeChange(ctx.catalog, table, { ...cmd, name: upName.get(`${table}.${cmd.name}`) ?? cmd.name });
            // Only silent loss: a down that fails on values too big (bigint → integer, a shorter varchar)
            // stops the rollback instead of destroying data, and the trace shows it fail.
            if (change?.change.kind !== 'rewrite' || !change.change.lossy || !change.from) return;
            ctx.report({
              messageId: 'lossyDown',
              status: 'BLOCK',
              script: 'down',
              line: statement.line,
              table,
              categories: ['missing_rollback', 'data_loss'],
              data: { column: `${table}.${change.column}`, from: formatType(change.from), to: formatType(change.to), loss: 'rounds, truncates or rejects' },
            });
          });
        }
        const first = destroyed.find((d) => !d.restoredBy?.(down.statements));
        if (first) ctx.report({ messageId: 'dataLost', status: 'FLAG', line: first.line, data: { what: first.what } });
        // Whole-schema resets (DROP SCHEMA … CASCADE) undo everything at once.
        if (down.statements.some((s) => s.type === 'DropStmt' && s.node.removeType === 'OBJECT_SCHEMA')) return;
        const gone = removed.find((r) => !r.restored(down.statements));
        if (gone) ctx.report({ messageId: 'notRestored', status: 'FLAG', line: gone.line, data: { object: gone.object } });
        const missing = created.find((c) => !c.dropped(down.statements));
        if (missing) ctx.report({ messageId: 'leftBehind', status: 'FLAG', line: missing.line, data: { object: missing.object, undo: missing.undo } });
      },
    };
  },
});

/** What the up creates that the down must drop again (or drop the table it lives in). */
interface Created {
  line: number;
  object: string;
  undo: string;
  dropped: (down: Statement[]) => boolean;
}

/** What the up drops from an existing table that the down must re-create. */
interface Removed {
  line: number;
  object: string;
  restored: (down: Statement[]) => boolean;
}

function downDrops(down: Statement[], type: ObjectType, name: string): boolean {
  return down.some((s) => {
    const drop = statementNode(s, 'DropStmt');
    return drop?.removeType === type && (drop.objects ?? []).map(qualifiedName).includes(name);
  });
}

function downDropsColumn(down: Statement[], table: string, column: string): boolean {
  return downDrops(down, 'OBJECT_TABLE', table) || down.some((s) => alteredTable(s) === table && alterCommands(s).some((c) => c.subtype === 'AT_DropColumn' && c.name === column));
}

/** Constraints and indexes the statement drops from existing tables. */
function objectsRemoved(ctx: RuleContext, statement: Statement): Removed[] {
  const out: Removed[] = [];
  forEachAlterCommandOnExistingTable(ctx, statement, (cmd, table) => {
    const name = cmd.name;
    if (cmd.subtype === 'AT_DropConstraint' && name) out.push({ line: statement.line, object: `constraint ${name} on ${table}`, restored: (down) => downAddsConstraint(down, name) });
  });
  const drop = statementNode(statement, 'DropStmt');
  if (drop?.removeType !== 'OBJECT_INDEX') return out;
  for (const name of (drop.objects ?? []).map(qualifiedName)) {
    const index = ctx.catalog.indexes.get(name);
    if (index && !ctx.isNew(index.table)) out.push({ line: statement.line, object: `index ${name}`, restored: (down) => downCreatesIndex(down, name) });
  }
  return out;
}

/** Tables, indexes and columns the statement creates. */
function objectsCreated(ctx: RuleContext, statement: Statement): Created[] {
  const out: Created[] = [];
  const createTable = statementNode(statement, 'CreateStmt');
  if (createTable) {
    const name = rangeVarName(createTable.relation);
    out.push({ line: statement.line, object: `table ${name}`, undo: `DROP TABLE ${name};`, dropped: (down) => downDrops(down, 'OBJECT_TABLE', name) });
  }
  const index = statementNode(statement, 'IndexStmt');
  if (index?.idxname) {
    const name = index.idxname;
    const onTable = rangeVarName(index.relation);
    // An index attached to a partitioned index (ALTER INDEX … ATTACH PARTITION) dies with it:
    // the catalog, read when the down is judged, knows the attachment.
    const dropped = (down: Statement[], index: string, table: string): boolean => {
      if (downDrops(down, 'OBJECT_INDEX', index) || downDrops(down, 'OBJECT_TABLE', table)) return true;
      const parent = ctx.catalog.indexes.get(index)?.parent;
      const parentTable = parent ? ctx.catalog.indexes.get(parent)?.table : undefined;
      return !!parent && !!parentTable && parent !== index && dropped(down, parent, parentTable);
    };
    out.push({ line: statement.line, object: `index ${name}`, undo: `DROP INDEX ${name};`, dropped: (down) => dropped(down, name, onTable) });
  }
  // Columns added to a table created in this change count too: the down must drop them or the table.
  forEachAlterCommand(statement, (cmd, table) => {
    const name = as(cmd.def, 'ColumnDef')?.colname;
    if (cmd.subtype === 'AT_AddColumn' && name) out.push({ line: statement.line, object: `column ${table}.${name}`, undo: `ALTER TABLE ${table} DROP COLUMN ${name};`, dropped: (down) => downDropsColumn(down, table, name) });
  });
  return out;
}

/** Whether the down adds a constraint of that name (ALTER TABLE … ADD CONSTRAINT name …). */
function downAddsConstraint(down: Statement[], name: string): boolean {
  return down.some((s) => alterCommands(s).some((c) => c.subtype === 'AT_AddConstraint' && as(c.def, 'Constraint')?.conname === name));
}

/** Whether the down builds an index of that name (CREATE INDEX, or a constraint that builds one). */
function downCreatesIndex(down: Statement[], name: string): boolean {
  const bare = name.split('.').pop();
  return down.some((s) => statementNode(s, 'IndexStmt')?.idxname === bare) || downAddsConstraint(down, bare ?? name);
}

/** `table.column` pairs a statement reads: any table it selects from, with the columns it names. */
function copiedColumns(statement: Statement): string[] {
  const tables = new Set<string>();
  const columns = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const fields = node as AstNode;
    if (typeof fields.relname === 'string') tables.add(rangeVarName(fields));
    const ref = as(node, 'ColumnRef');
    if (ref) {
      const parts = strings(ref.fields);
      if (parts.length) columns.add(parts[parts.length - 1]!);
    }
    Object.values(fields).forEach(visit);
  };
  visit(statement.type === 'InsertStmt' ? statement.node.selectStmt : statement.node.query);
  return [...tables].flatMap((t) => [...columns].map((c) => `${t}.${c}`));
}
