import type { ColumnDef, Constraint, Node } from '@pgsql/types';
import { as, columnRefs, flag, indexColumns, qualifiedName, rangeVarName, str, strings, typeRef, type TypeRef } from './ast.js';
import { chooseIndexName, indexColumnNames, type IndexKind } from './names.js';
import type { AstNode, Statement } from './parse.js';

/**
 * The schema as the migrations build it: tables, columns, indexes and foreign keys. Built by
 * replaying earlier migrations' statements (the history before the change) and then updated
 * statement by statement while the change is reviewed, so each rule sees the schema as it stands
 * right before the statement it judges.
 */

export interface ColumnInfo {
  name: string;
  type: TypeRef;
  notNull: boolean;
}

export interface TableInfo {
  name: string;
  columns: Map<string, ColumnInfo>;
  /** File that created the table. */
  createdIn: string;
  /** PARTITION BY: the table holds no rows itself, its partitions do. */
  partitioned?: boolean;
  /** The partitioned table this one is a partition of (`PARTITION OF`). */
  partitionOf?: string;
}

export interface IndexInfo {
  name: string;
  table: string;
  columns: string[];
  unique: boolean;
  /** Has a WHERE clause: it serves only the rows it covers (and no ON CONFLICT without that predicate). */
  partial?: boolean;
  createdIn: string;
  line: number;
  /** Every column the index reads: its key columns, those inside its expressions and those of its WHERE predicate. */
  referencedColumns: string[];
  /**
   * Built on an expression or with a WHERE predicate. PostgreSQL never reuses such an index across
   * ALTER COLUMN … TYPE of a column it reads, even a catalog-only change: it rebuilds it.
   */
  expressionOrPartial: boolean;
  /** A plain index, or the one behind a PRIMARY KEY or UNIQUE constraint (that decides its generated name). */
  kind: IndexKind;
  /** The partitioned index this partition's index is attached to: DROP INDEX of that one drops this one too. */
  parent?: string;
}

export interface ForeignKeyInfo {
  name: string;
  table: string;
  columns: string[];
  refTable: string;
  onDelete: string;
}

const FK_ACTIONS: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

export function fkDeleteAction(constraint: Constraint): string {
  return FK_ACTIONS[constraint.fk_del_action ?? 'a'] ?? 'NO ACTION';
}

export interface CheckInfo {
  name: string;
  table: string;
  /** Set when the check is `column IS NOT NULL`: it can prove SET NOT NULL without a scan. */
  notNullColumn: string | null;
  validated: boolean;
}

export interface DomainInfo {
  name: string;
  /** The type it is over: a base type, or another domain whose constraints it inherits. */
  baseType: string;
  createdIn: string;
}

export class Catalog {
  readonly tables = new Map<string, TableInfo>();
  /** Domains by unqualified name, as column types name them (TypeRef.name drops the schema). */
  readonly domains = new Map<string, DomainInfo>();
  readonly checks = new Map<string, CheckInfo>();
  /** Enum labels added by ALTER TYPE … ADD VALUE: label → the type and the file that added it. */
  readonly enumValuesAdded = new Map<string, { type: string; file: string }>();
  /** Constraints added NOT VALID and not validated since (`table.name` → the file that added it). */
  readonly notValidConstraints = new Map<string, string>();
  readonly indexes = new Map<string, IndexInfo>();
  readonly foreignKeys: ForeignKeyInfo[] = [];

  // Lookups kept beside the maps above, so that no statement scans the whole schema: a change of
  // 100k statements (a PR can send one) must cost linear time, and each scan made it quadratic.
  // Every write to `tables`, `indexes`, `checks` and `foreignKeys` goes through the helpers below.
  /** Bare table name (no schema) → full names: index names share the namespace of relations. */
  private readonly tablesByBareName = new Grouping();
  /** Table → names of its indexes. */
  private readonly indexesByTable = new Grouping();
  /** Partitioned index → the partition indexes attached to it. */
  private readonly partitionIndexes = new Grouping();
  /** Constraint name → how many CHECKs and foreign keys carry it. */
  private readonly constraintNames = new Map<string, number>();

  table(name: string): TableInfo | undefined {
    return this.tables.get(name);
  }

  column(table: string, column: string): ColumnInfo | undefined {
    return this.tables.get(table)?.columns.get(column);
  }

  indexesOn(table: string): IndexInfo[] {
    return [...this.indexesByTable.keys(table)].map((name) => this.indexes.get(name)!);
  }

  /** An index whose leading columns are exactly `columns` (in any order) serves lookups by them. */
  hasIndexCovering(table: string, columns: string[]): boolean {
    const wanted = new Set(columns);
    return this.indexesOn(table).some((index) => {
      const lead = index.columns.slice(0, columns.length);
      return lead.length === columns.length && lead.every((c) => wanted.has(c));
    });
  }

  /** A validated `CHECK (column IS NOT NULL)` lets PG 12+ skip the scan of SET NOT NULL. */
  hasValidNotNullCheck(table: string, column: string, except: (string | undefined)[] = []): boolean {
    return [...this.checks.values()].some((c) => c.table === table && c.notNullColumn === column && c.validated && !except.includes(c.name));
  }

  /** Foreign keys that point at `table` (the tables a DELETE on it reaches). */
  referencing(table: string): ForeignKeyInfo[] {
    return this.foreignKeys.filter((fk) => fk.refTable === table);
  }

  /**
   * Every column whose type is the domain, directly or through a domain over it (a constraint
   * on `cents` is checked on columns of `positive_cents AS cents` too), arrays included.
   */
  columnsOfDomain(domain: string): { table: string; column: string }[] {
    const covered = new Set([domain]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const d of this.domains.values()) {
        if (covered.has(d.baseType) && !covered.has(d.name)) {
          covered.add(d.name);
          grew = true;
        }
      }
    }
    const out: { table: string; column: string }[] = [];
    for (const table of this.tables.values()) {
      for (const column of table.columns.values()) if (covered.has(column.type.name)) out.push({ table: table.name, column: column.name });
    }
    return out;
  }

  /**
   * Updates the model with one statement; unknown statements are ignored. Returns the name of the
   * table the statement created, if it was not in the model before, so callers need not diff the table list — a scan per statement made 100k CREATE
   * TABLEs quadratic.
   */
  apply(statement: Statement, file: string): string | null {
    const { node } = statement;
    switch (statement.type) {
      case 'CreateStmt': {
        const name = rangeVarName(node.relation as AstNode);
        const isNew = !this.tables.has(name);
        this.createTable(node, file, statement.line);
        return isNew ? name : null;
      }
      case 'CreateTableAsStmt': {
        const into = as(node.into, 'IntoClause') ?? (node.into as AstNode | undefined);
        const name = rangeVarName(into?.rel as AstNode | undefined);
        if (!name || this.tables.has(name)) return null;
        this.setTable({ name, columns: new Map(), createdIn: file });
        return name;
      }
      case 'AlterTableStmt':
        this.alterTable(node, file, statement.line);
        break;
      case 'AlterEnumStmt':
        if (node.newVal && !node.oldVal) this.enumValuesAdded.set(node.newVal as string, { type: strings(node.typeName as AstNode[]).join('.'), file });
        break;
      case 'IndexStmt': {
        const table = rangeVarName(node.relation as AstNode);
        const params = ((node.indexParams as AstNode[] | undefined) ?? []).map((param) => as(param, 'IndexElem'));
        const keyNames = params.map((elem) => elem?.name).filter((column): column is string => typeof column === 'string');
        const index: IndexInfo = {
          name: (node.idxname as string | undefined) ?? this.generatedIndexName(table, indexColumnNames(node.indexParams as Node[] | undefined), 'index'),
          table,
          columns: indexColumns(node.indexParams),
          unique: flag(node, 'unique'),
          ...(node.whereClause ? { partial: true } : {}),
          createdIn: file,
          line: statement.line,
          referencedColumns: [...new Set([...keyNames, ...columnRefs(params.map((elem) => elem?.expr)), ...columnRefs(node.whereClause)])],
          expressionOrPartial: params.some((elem) => elem?.expr) || !!node.whereClause,
          kind: 'index',
        };
        this.setIndex(index);
        // Without ONLY, an index on a partitioned table is built on every partition and attached to it.
        if (flag(node.relation as { inh?: boolean }, 'inh')) this.indexPartitions(index);
        break;
      }
      case 'CreateDomainStmt': {
        const name = strings(node.domainname).pop()?.toLowerCase();
        if (name) this.domains.set(name, { name, baseType: typeRef(node.typeName as AstNode).name, createdIn: file });
        break;
      }
      case 'DropStmt':
        this.drop(node);
        break;
      case 'RenameStmt':
        this.rename(node);
        break;
    }
    return null;
  }

  private createTable(node: AstNode, file: string, line: number): void {
    const name = rangeVarName(node.relation as AstNode);
    const table: TableInfo = { name, columns: new Map(), createdIn: file, ...(node.partspec ? { partitioned: true } : {}) };
    if (node.partbound) table.partitionOf = rangeVarName((node.inhRelations as AstNode[] | undefined)?.[0] as AstNode);
    this.setTable(table);
    for (const element of (node.tableElts as AstNode[] | undefined) ?? []) {
      const column = as(element, 'ColumnDef');
      if (column) {
        this.addColumn(table, column, file, line);
        continue;
      }
      const constraint = as(element, 'Constraint');
      if (constraint) this.addConstraint(name, constraint, file, line);
    }
    // A new partition gets its own copy of each of the parent's indexes, attached to it.
    if (table.partitionOf) {
      for (const index of this.indexesOn(table.partitionOf)) if (!index.parent) this.indexPartition(index, table.name);
    }
  }

  /** Builds `index` on every known partition of its table (CREATE INDEX on a partitioned table). */
  private indexPartitions(index: IndexInfo): void {
    for (const table of this.tables.values()) if (table.partitionOf === index.table) this.indexPartition(index, table.name);
  }

  private indexPartition(index: IndexInfo, partition: string): void {
    const name = this.generatedIndexName(partition, index.columns, index.kind);
    this.setIndex({ ...index, name, table: partition, parent: index.name });
  }

  /** The name PostgreSQL gives an unnamed index on `table`, avoiding every relation and constraint name it already has. */
  private generatedIndexName(table: string, columns: string[], kind: IndexKind): string {
    const bare = table.split('.').pop()!;
    const taken = (name: string): boolean => this.indexes.has(name) || this.tablesByBareName.has(name) || (kind !== 'index' && this.constraintNames.has(name));
    return chooseIndexName(bare, columns, kind, taken);
  }

  private addColumn(table: TableInfo, column: ColumnDef, file: string, line: number): void {
    const colname = column.colname as string;
    const info: ColumnInfo = { name: colname, type: typeRef(column.typeName), notNull: false };
    table.columns.set(colname, info);
    for (const c of column.constraints ?? []) {
      const constraint = as(c, 'Constraint');
      if (!constraint) continue;
      const contype = constraint.contype;
      if (contype === 'CONSTR_NOTNULL' || contype === 'CONSTR_PRIMARY') info.notNull = true;
      if (contype === 'CONSTR_PRIMARY' || contype === 'CONSTR_UNIQUE' || contype === 'CONSTR_FOREIGN') {
        this.addConstraint(table.name, { ...constraint, keys: [{ String: { sval: colname } }], fk_attrs: [{ String: { sval: colname } }] }, file, line);
      }
    }
  }

  private addConstraint(table: string, constraint: Constraint, file: string, line: number): void {
    const contype = constraint.contype;
    if (constraint.skip_validation && constraint.conname) this.notValidConstraints.set(`${table}.${constraint.conname}`, file);
    if (contype === 'CONSTR_PRIMARY' || contype === 'CONSTR_UNIQUE') {
      const columns = strings(constraint.keys);
      const kind: IndexKind = contype === 'CONSTR_PRIMARY' ? 'primary-key' : 'unique-constraint';
      const indexName = constraint.indexname ?? constraint.conname ?? this.generatedIndexName(table, columns, kind);
      if (constraint.indexname && this.indexes.has(indexName)) {
        // ADD CONSTRAINT … USING INDEX: the index now backs the constraint.
        this.indexes.get(indexName)!.unique = true;
      } else {
        this.setIndex({ name: indexName, table, columns, unique: true, createdIn: file, line, referencedColumns: columns, expressionOrPartial: false, kind });
      }
      if (contype === 'CONSTR_PRIMARY') {
        for (const column of columns) {
          const info = this.column(table, column);
          if (info) info.notNull = true;
        }
      }
    } else if (contype === 'CONSTR_CHECK') {
      const name = constraint.conname ?? `${table}_check`;
      const test = as(constraint.raw_expr, 'NullTest');
      const column = test?.nulltesttype === 'IS_NOT_NULL' ? (strings(as(test.arg, 'ColumnRef')?.fields).pop() ?? null) : null;
      this.setCheck({ name, table, notNullColumn: column, validated: !flag(constraint, 'skip_validation') });
    } else if (contype === 'CONSTR_FOREIGN') {
      this.addForeignKey({
        name: constraint.conname ?? `${table}_${strings(constraint.fk_attrs).join('_')}_fkey`,
        table,
        columns: strings(constraint.fk_attrs),
        refTable: rangeVarName(constraint.pktable),
        onDelete: fkDeleteAction(constraint),
      });
    }
  }

  private alterTable(node: AstNode, file: string, line: number): void {
    const tableName = rangeVarName(node.relation as AstNode);
    if (node.objtype === 'OBJECT_INDEX') {
      this.attachIndexes(tableName, node);
      return;
    }
    if ((node.objtype as string | undefined) && node.objtype !== 'OBJECT_TABLE') return;
    let table = this.tables.get(tableName);
    if (!table) {
      // A table from before the history we can see: start tracking it from here.
      table = { name: tableName, columns: new Map(), createdIn: '' };
      this.setTable(table);
    }
    for (const item of (node.cmds as AstNode[] | undefined) ?? []) {
      const cmd = as(item, 'AlterTableCmd');
      if (!cmd) continue;
      const colname = cmd.name as string | undefined;
      switch (cmd.subtype) {
        case 'AT_AddColumn': {
          const column = as(cmd.def, 'ColumnDef');
          if (column) this.addColumn(table, column, file, line);
          break;
        }
        case 'AT_DropColumn':
          if (colname) table.columns.delete(colname);
          break;
        case 'AT_AlterColumnType': {
          const column = as(cmd.def, 'ColumnDef');
          const info = colname ? table.columns.get(colname) : undefined;
          if (column && colname) table.columns.set(colname, { name: colname, type: typeRef(column.typeName), notNull: info?.notNull ?? false });
          break;
        }
        case 'AT_SetNotNull':
          if (colname && table.columns.get(colname)) table.columns.get(colname)!.notNull = true;
          break;
        case 'AT_DropNotNull':
          if (colname && table.columns.get(colname)) table.columns.get(colname)!.notNull = false;
          break;
        case 'AT_AddConstraint': {
          const constraint = as(cmd.def, 'Constraint');
          if (constraint) this.addConstraint(tableName, constraint, file, line);
          break;
        }
        case 'AT_ValidateConstraint': {
          const check = this.checks.get(`${tableName}.${colname}`);
          if (check) check.validated = true;
          this.notValidConstraints.delete(`${tableName}.${colname}`);
          break;
        }
        case 'AT_DropConstraint': {
          this.deleteCheck(`${tableName}.${colname}`);
          const at = this.foreignKeys.findIndex((fk) => fk.table === tableName && fk.name === colname);
          if (at >= 0) this.removeForeignKeyAt(at);
          if (colname) this.deleteIndex(colname);
          break;
        }
      }
    }
  }

  /** `ALTER INDEX parent ATTACH PARTITION child`: the child index now lives and dies with the parent. */
  private attachIndexes(parent: string, node: AstNode): void {
    for (const item of (node.cmds as AstNode[] | undefined) ?? []) {
      const cmd = as(item, 'AlterTableCmd');
      if (cmd?.subtype !== 'AT_AttachPartition') continue;
      const child = this.indexes.get(rangeVarName(as(cmd.def, 'PartitionCmd')?.name));
      if (child) this.moveIndex(child, { parent: parent.split('.').pop() });
    }
  }

  /** Drops an index and the partition indexes attached to it, as PostgreSQL does. */
  private dropIndex(name: string): void {
    const children = [...this.partitionIndexes.keys(name)];
    if (!this.deleteIndex(name)) return;
    for (const child of children) this.dropIndex(child);
  }

  private drop(node: AstNode): void {
    const names = ((node.objects as unknown[] | undefined) ?? []).map(qualifiedName);
    switch (node.removeType) {
      case 'OBJECT_TABLE':
        for (const name of names) {
          this.deleteTable(name);
          for (const key of [...this.indexesByTable.keys(name)]) this.deleteIndex(key);
          for (let i = this.foreignKeys.length - 1; i >= 0; i--) if (this.foreignKeys[i]!.table === name) this.removeForeignKeyAt(i);
        }
        break;
      case 'OBJECT_INDEX':
        for (const name of names) this.dropIndex(this.indexes.has(name) ? name : name.split('.').pop()!);
        break;
      case 'OBJECT_DOMAIN':
        // DROP DOMAIN lists TypeNames, not name lists.
        for (const object of (node.objects as unknown[] | undefined) ?? []) this.domains.delete(typeRef(as(object, 'TypeName')).name);
        break;
    }
  }

  private rename(node: AstNode): void {
    const table = rangeVarName(node.relation as AstNode);
    const newname = node.newname as string;
    switch (node.renameType) {
      case 'OBJECT_TABLE': {
        const info = this.tables.get(table);
        if (!info) return;
        this.deleteTable(table);
        const schema = table.includes('.') ? `${table.split('.')[0]}.` : '';
        const renamed = `${schema}${newname}`;
        this.setTable({ ...info, name: renamed });
        for (const index of this.indexesOn(table)) this.moveIndex(index, { table: renamed });
        for (const fk of this.foreignKeys) {
          if (fk.table === table) fk.table = renamed;
          if (fk.refTable === table) fk.refTable = renamed;
        }
        break;
      }
      case 'OBJECT_COLUMN': {
        const info = this.tables.get(table);
        const old = node.subname as string;
        const column = info?.columns.get(old);
        if (!info || !column) return;
        info.columns.delete(old);
        info.columns.set(newname, { ...column, name: newname });
        const renameIn = (columns: string[]): string[] => columns.map((c) => (c === old ? newname : c));
        for (const index of this.indexesOn(table)) {
          index.columns = renameIn(index.columns);
          index.referencedColumns = renameIn(index.referencedColumns);
        }
        break;
      }
      case 'OBJECT_INDEX': {
        const name = str(node.relation) || rangeVarName(node.relation as AstNode);
        const index = this.indexes.get(name);
        if (index) {
          const children = [...this.partitionIndexes.keys(name)];
          this.deleteIndex(name);
          this.setIndex({ ...index, name: newname });
          for (const child of children) this.moveIndex(this.indexes.get(child)!, { parent: newname });
        }
        break;
      }
    }
  }

  /** Adds or replaces a table; a replaced one keeps its place in `tables`, as Map.set does. */
  private setTable(table: TableInfo): void {
    if (!this.tables.has(table.name)) this.tablesByBareName.add(bareName(table.name), table.name);
    this.tables.set(table.name, table);
  }

  private deleteTable(name: string): void {
    if (this.tables.delete(name)) this.tablesByBareName.remove(bareName(name), name);
  }

  /** Adds or replaces an index (by name), keeping the lookups by table and by parent in step. */
  private setIndex(index: IndexInfo): void {
    const before = this.indexes.get(index.name);
    if (before?.table !== index.table) {
      if (before) this.indexesByTable.remove(before.table, before.name);
      this.indexesByTable.add(index.table, index.name);
    }
    if (before?.parent !== index.parent) {
      if (before?.parent) this.partitionIndexes.remove(before.parent, before.name);
      if (index.parent) this.partitionIndexes.add(index.parent, index.name);
    }
    this.indexes.set(index.name, index);
  }

  private deleteIndex(name: string): boolean {
    const index = this.indexes.get(name);
    if (!index) return false;
    this.indexesByTable.remove(index.table, name);
    if (index.parent) this.partitionIndexes.remove(index.parent, name);
    return this.indexes.delete(name);
  }

  /** Moves an index to another table or parent in place (rules may hold the object), lookups in step. */
  private moveIndex(index: IndexInfo, to: { table?: string; parent?: string }): void {
    if (to.table !== undefined && to.table !== index.table) {
      this.indexesByTable.remove(index.table, index.name);
      this.indexesByTable.add(to.table, index.name);
      index.table = to.table;
    }
    if (to.parent !== undefined && to.parent !== index.parent) {
      if (index.parent) this.partitionIndexes.remove(index.parent, index.name);
      this.partitionIndexes.add(to.parent, index.name);
      index.parent = to.parent;
    }
  }

  private setCheck(check: CheckInfo): void {
    const key = `${check.table}.${check.name}`;
    // Same key, same name: a replaced CHECK does not change the count.
    if (!this.checks.has(key)) this.countConstraint(check.name, 1);
    this.checks.set(key, check);
  }

  private deleteCheck(key: string): void {
    const check = this.checks.get(key);
    if (check && this.checks.delete(key)) this.countConstraint(check.name, -1);
  }

  private addForeignKey(fk: ForeignKeyInfo): void {
    this.foreignKeys.push(fk);
    this.countConstraint(fk.name, 1);
  }

  private removeForeignKeyAt(at: number): void {
    const [fk] = this.foreignKeys.splice(at, 1);
    if (fk) this.countConstraint(fk.name, -1);
  }

  private countConstraint(name: string, delta: 1 | -1): void {
    const count = (this.constraintNames.get(name) ?? 0) + delta;
    if (count > 0) this.constraintNames.set(name, count);
    else this.constraintNames.delete(name);
  }
}

const bareName = (name: string): string => name.split('.').pop()!;

/**
 * Keys grouped under a name (a table's indexes, a bare name's tables), in the order they were
 * added: each lookup costs the size of its group, not of the whole schema.
 */
class Grouping {
  private readonly groups = new Map<string, Set<string>>();

  add(group: string, key: string): void {
    let keys = this.groups.get(group);
    if (!keys) this.groups.set(group, (keys = new Set()));
    keys.add(key);
  }

  remove(group: string, key: string): void {
    const keys = this.groups.get(group);
    if (!keys?.delete(key)) return;
    if (!keys.size) this.groups.delete(group);
  }

  has(group: string): boolean {
    return this.groups.has(group);
  }

  keys(group: string): ReadonlySet<string> {
    return this.groups.get(group) ?? EMPTY;
  }
}

const EMPTY: ReadonlySet<string> = new Set();
