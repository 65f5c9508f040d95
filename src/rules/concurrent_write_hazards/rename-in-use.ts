import { qualifiedName, rangeVarName, statementNode } from '../../sql/ast.js';
import { defineRule } from '../define.js';
import { decideByCode } from '../helpers.js';

export default defineRule({
  id: 'rename-in-use',
  category: 'concurrent_write_hazards',
  pattern: 'expand-contract-rename',
  docs: {
    summary: 'Renaming an existing table or column breaks the application version that is still running during the deploy.',
    problem:
      'Migrations run before (or while) new application code rolls out. From the moment the rename commits until the last old instance is gone, every query of the old code that names the old table or column fails. Rolling back the code does not help either: the old name is gone.',
    schema: 'CREATE TABLE orders (id bigint, status text);',
    instead: 'ALTER TABLE orders RENAME COLUMN status TO state;',
    use: 'ALTER TABLE orders ADD COLUMN state text;',
  },
  messages: {
    rename: {
      message: 'Renaming {{what}} {{old}} to {{new}} breaks every running instance that still uses {{old}} until the new code is fully deployed{{refs}}.',
      recommendation:
        'Expand and contract: add {{new}} (a new column kept in sync by a trigger, or a view for a table), move the code over and deploy, then drop {{old}} in a later migration.',
    },
  },
  create(ctx) {
    // Schemas and enum values are renamed for every table that uses them: the code decides (principle 4).
    const renamed = (what: string, old: string, renamedTo: string, search: string): void => {
      const decision = decideByCode(ctx, ctx.codeRefs(search, []), `nothing uses ${what} ${old} by that name`);
      ctx.report({ messageId: 'rename', status: decision.status, verify: decision.verify, data: { what, old, new: renamedTo, refs: decision.refs } });
    };
    return {
      AlterEnumStmt(node) {
        if (node.oldVal && node.newVal) renamed(`enum value of ${qualifiedName(node.typeName)}`, `'${node.oldVal}'`, `'${node.newVal}'`, node.oldVal);
      },
      RenameStmt(node) {
        if (node.renameType === 'OBJECT_SCHEMA' && node.subname) {
          // A schema created earlier in the change holds nothing deployed code uses yet.
          const createdHere = ctx.statements.some((s) => s.type === 'CreateSchemaStmt' && s.node.schemaname === node.subname);
          if (!createdHere) renamed('schema', node.subname, node.newname ?? '', node.subname);
          return;
        }
        const table = rangeVarName(node.relation);
        if (!table || ctx.isNew(table)) return;
        let what: string;
        let old: string;
        let refs;
        if (node.renameType === 'OBJECT_TABLE') {
          // A view created under the old name in the same migration keeps old queries working
          // (a simple view is updatable): the expand step of the expand-contract-rename pattern.
          const bare = table.split('.').pop()!;
          const keepsOldName = ctx.statements.some((s) => {
            const view = statementNode(s, 'ViewStmt');
            return !!view && (rangeVarName(view.view).split('.').pop() ?? '') === bare;
          });
          if (keepsOldName) return;
          what = 'table';
          old = table;
          refs = ctx.codeRefs(table, []);
        } else if (node.renameType === 'OBJECT_COLUMN' && node.subname) {
          if (ctx.isNewColumn(table, node.subname)) return;
          what = 'column';
          old = `${table}.${node.subname}`;
          refs = ctx.codeRefs(table, [node.subname], { mapped: true });
        } else return;
        const decision = decideByCode(ctx, refs, `nothing reads or writes ${old} by that name`);
        ctx.report({
          messageId: 'rename',
          status: decision.status,
          table,
          verify: decision.verify,
          data: { what, old, new: node.newname ?? '', refs: decision.refs },
        });
      },
    };
  },
});
