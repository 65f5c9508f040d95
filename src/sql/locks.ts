import { as, flag, qualifiedName, rangeVarName } from './ast.js';
import type { Catalog } from './catalog.js';
import type { AstNode, Statement } from './parse.js';
import type { LockMode } from './pgfacts.js';

export interface TableLock {
  table: string;
  mode: LockMode;
}

const ORDER: LockMode[] = ['ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'];
const stronger = (a: LockMode, b: LockMode): LockMode => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);

/** ALTER TABLE subcommands that take less than ACCESS EXCLUSIVE (PostgreSQL docs, ALTER TABLE). */
const ALTER_LOCK: Record<string, LockMode> = {
  AT_ValidateConstraint: 'SHARE UPDATE EXCLUSIVE',
  AT_SetStatistics: 'SHARE UPDATE EXCLUSIVE',
  AT_ClusterOn: 'SHARE UPDATE EXCLUSIVE',
  AT_DropCluster: 'SHARE UPDATE EXCLUSIVE',
  AT_SetRelOptions: 'SHARE UPDATE EXCLUSIVE',
  AT_AttachPartition: 'SHARE UPDATE EXCLUSIVE',
  AT_DetachPartitionFinalize: 'SHARE UPDATE EXCLUSIVE',
  AT_EnableTrig: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrig: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigAll: 'SHARE ROW EXCLUSIVE',
  AT_EnableTrigUser: 'SHARE ROW EXCLUSIVE',
  AT_DisableTrigUser: 'SHARE ROW EXCLUSIVE',
};

/** The table-level locks a statement takes and holds until its transaction ends. */
export function locksTaken(statement: Statement, catalog: Catalog): TableLock[] {
  const { node } = statement;
  const locks = new Map<string, LockMode>();
  const add = (table: string, mode: LockMode): void => {
    if (table) locks.set(table, stronger(locks.get(table) ?? 'ACCESS SHARE', mode));
  };
  switch (statement.type) {
    case 'IndexStmt':
      add(rangeVarName(node.relation as AstNode), flag(node, 'concurrent') ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE');
      break;
    case 'AlterTableStmt': {
      if (node.objtype && node.objtype !== 'OBJECT_TABLE') break;
      const table = rangeVarName(node.relation as AstNode);
      for (const item of (node.cmds as AstNode[] | undefined) ?? []) {
        const cmd = as(item, 'AlterTableCmd');
        if (!cmd) continue;
        const constraint = as(cmd.def, 'Constraint');
        if (cmd.subtype === 'AT_AddConstraint' && constraint?.contype === 'CONSTR_FOREIGN') {
          add(table, 'SHARE ROW EXCLUSIVE');
          add(rangeVarName(constraint.pktable as AstNode), 'SHARE ROW EXCLUSIVE');
        } else if (cmd.subtype === 'AT_DetachPartition') {
          // Plain: ACCESS EXCLUSIVE on the parent and the partition. CONCURRENTLY (PG 14+): SHARE
          // UPDATE EXCLUSIVE on both, in two transactions of its own (PostgreSQL docs, ALTER TABLE).
          const partition = as(cmd.def, 'PartitionCmd');
          const mode: LockMode = partition?.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
          add(table, mode);
          add(rangeVarName(partition?.name as AstNode), mode);
        } else if (cmd.subtype === 'AT_AttachPartition') {
          add(table, 'SHARE UPDATE EXCLUSIVE');
          const partition = as(cmd.def, 'PartitionCmd');
          add(rangeVarName(partition?.name as AstNode), 'ACCESS EXCLUSIVE');
        } else {
          add(table, ALTER_LOCK[cmd.subtype as string] ?? 'ACCESS EXCLUSIVE');
        }
      }
      break;
    }
    case 'CreateStmt':
      // A new table's foreign keys lock the tables they reference.
      for (const element of (node.tableElts as AstNode[] | undefined) ?? []) {
        const column = as(element, 'ColumnDef');
        const constraints = column ? ((column.constraints as AstNode[] | undefined) ?? []) : [element];
        for (const c of constraints) {
          const constraint = as(c, 'Constraint');
          if (constraint?.contype === 'CONSTR_FOREIGN') add(rangeVarName(constraint.pktable as AstNode), 'SHARE ROW EXCLUSIVE');
        }
      }
      break;
    case 'DropStmt': {
      const names = ((node.objects as unknown[] | undefined) ?? []).map(qualifiedName);
      if (node.removeType === 'OBJECT_TABLE') for (const name of names) add(name, 'ACCESS EXCLUSIVE');
      if (node.removeType === 'OBJECT_INDEX' && !flag(node, 'concurrent')) {
        for (const name of names) {
          const index = catalog.indexes.get(name);
          if (index) add(index.table, 'ACCESS EXCLUSIVE');
        }
      }
      break;
    }
    case 'RenameStmt':
      if (node.renameType === 'OBJECT_TABLE' || node.renameType === 'OBJECT_COLUMN') add(rangeVarName(node.relation as AstNode), 'ACCESS EXCLUSIVE');
      break;
    case 'TruncateStmt':
      for (const relation of (node.relations as AstNode[] | undefined) ?? []) add(rangeVarName(relation), 'ACCESS EXCLUSIVE');
      break;
    case 'VacuumStmt': {
      const full = ((node.options as AstNode[] | undefined) ?? []).some((o) => as(o, 'DefElem')?.defname === 'full');
      if (full) for (const rel of (node.rels as AstNode[] | undefined) ?? []) add(rangeVarName(as(rel, 'VacuumRelation')?.relation as AstNode), 'ACCESS EXCLUSIVE');
      break;
    }
    case 'ClusterStmt':
      add(rangeVarName(node.relation as AstNode), 'ACCESS EXCLUSIVE');
      break;
    case 'ReindexStmt': {
      const concurrent = ((node.params as AstNode[] | undefined) ?? []).some((o) => as(o, 'DefElem')?.defname === 'concurrently');
      if (!concurrent && node.kind === 'REINDEX_OBJECT_TABLE') add(rangeVarName(node.relation as AstNode), 'SHARE');
      if (!concurrent && node.kind === 'REINDEX_OBJECT_INDEX') {
        const index = catalog.indexes.get(rangeVarName(node.relation as AstNode));
        if (index) add(index.table, 'SHARE');
      }
      break;
    }
    case 'CreateTrigStmt':
      add(rangeVarName(node.relation as AstNode), 'SHARE ROW EXCLUSIVE');
      break;
    case 'LockStmt': {
      const modes: LockMode[] = ['ACCESS SHARE', 'ACCESS SHARE', 'ROW SHARE', 'ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE', 'SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE'];
      const mode = modes[(node.mode as number | undefined) ?? 8] ?? 'ACCESS EXCLUSIVE';
      for (const relation of (node.relations as AstNode[] | undefined) ?? []) add(rangeVarName(relation), mode);
      break;
    }
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'InsertStmt':
      add(rangeVarName(node.relation as AstNode), 'ROW EXCLUSIVE');
      break;
  }
  return [...locks].map(([table, mode]) => ({ table, mode }));
}
