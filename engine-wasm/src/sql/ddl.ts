/**
 * `sqlalchemy.sql.ddl`: CreateTable / DropTable / CreateIndex / DropIndex, the DDL compiler, and
 * `metadata.create_all()` / `drop_all()` with SQLAlchemy's existence checks (SchemaGenerator /
 * SchemaDropper): every table is checked first, then the missing ones are created in dependency order.
 */
import type { Connection, ExecutionOptions } from "../engine/base.ts";
import type { CursorResult } from "../engine/cursor.ts";
import { defineModule } from "../util/repr.ts";
import { type CompilerDialect, ddlFallback, SQLCompiler } from "./compiler.ts";
import { type CacheKeyBuilder, ClauseElement } from "./elements.ts";
import {
  CheckConstraint,
  type Column,
  type Constraint,
  ForeignKeyConstraint,
  type Index,
  type MetaData,
  metadataHooks,
  PrimaryKeyConstraint,
  sort_tables,
  type Table,
  tableHooks,
  UniqueConstraint,
} from "./schema.ts";

abstract class DDLElement extends ClauseElement {
  readonly _is_ddl = true;
  _ck(k: CacheKeyBuilder): void {
    k.push("ddl", this.__visit_name__);
  }
  _execute_on_connection(
    connection: Connection,
    _distilled_params: readonly Record<string, unknown>[],
    execution_options: ExecutionOptions,
  ): CursorResult {
    return connection._execute_clauseelement(this as never, [], execution_options);
  }
}

/** SQLAlchemy's `_CreateDropBase`: a DDL statement about one schema item. */
abstract class _CreateDropBase<T> extends DDLElement {
  readonly element: T;
  constructor(element: T) {
    super();
    this.element = element;
  }
}

export class CreateTable extends _CreateDropBase<Table> {
  readonly __visit_name__ = "create_table";
}
export class DropTable extends _CreateDropBase<Table> {
  readonly __visit_name__ = "drop_table";
}
export class CreateIndex extends _CreateDropBase<Index> {
  readonly __visit_name__ = "create_index";
}
export class DropIndex extends _CreateDropBase<Index> {
  readonly __visit_name__ = "drop_index";
}

export class DDLCompiler extends SQLCompiler {
  override isddl = true;

  visit_create_table(c: CreateTable): string {
    const table = c.element;
    const lines = table.columns.map((col) => this.get_column_specification(col));
    for (const con of this.table_constraints(table)) {
      const s = this.visit_constraint(con);
      if (s) lines.push(s);
    }
    return `\nCREATE TABLE ${this.format_table(table)} (\n\t${lines.join(", \n\t")}\n)\n\n`;
  }

  /** PRIMARY KEY first, then the other constraints in the order they were created. */
  protected table_constraints(table: Table): Constraint[] {
    const out: Constraint[] = [];
    if (table.primary_key.columns.length) out.push(table.primary_key);
    const others = [...table.constraints].filter((c) => c !== table.primary_key);
    others.sort((a, b) => a._creation_order - b._creation_order);
    return [...out, ...others];
  }

  protected constraint_name(con: Constraint): string {
    return con.name ? `CONSTRAINT ${this.quote(con.name)} ` : "";
  }

  visit_constraint(con: Constraint): string {
    if (con instanceof PrimaryKeyConstraint) {
      return `${this.constraint_name(con)}PRIMARY KEY (${con.columns.map((c) => this.quote(c.name)).join(", ")})`;
    }
    if (con instanceof UniqueConstraint) {
      return `${this.constraint_name(con)}UNIQUE (${con.columns.map((c) => this.quote(c.name)).join(", ")})`;
    }
    if (con instanceof CheckConstraint) return `${this.constraint_name(con)}CHECK (${con.sqltext})`;
    if (con instanceof ForeignKeyConstraint) {
      const fks = con.elements;
      const target = fks[0]?._resolve_column(false)?.table;
      const refTable = target ? this.format_table(target) : this.quote(con.refcolumns[0]!.split(".")[0]!);
      const refCols = fks.map((fk) =>
        this.quote(fk._resolve_column(false)?.name ?? fk.target_fullname.split(".").pop()!),
      );
      let s = `${this.constraint_name(con)}FOREIGN KEY(${fks.map((fk, i) => this.quote(fk.parent?.name ?? con.columns[i]!)).join(", ")}) REFERENCES ${refTable} (${refCols.join(", ")})`;
      if (con.ondelete) s += ` ON DELETE ${con.ondelete}`;
      if (con.onupdate) s += ` ON UPDATE ${con.onupdate}`;
      return s;
    }
    return "";
  }

  get_column_specification(col: Column): string {
    let s = `${this.quote(col.name)} ${this.type_name(col.type)}`;
    const d = this.get_column_default_string(col);
    if (d !== null) s += ` DEFAULT ${d}`;
    if (!col.nullable) s += " NOT NULL";
    return s;
  }

  get_column_default_string(col: Column): string | null {
    const sd = col.server_default;
    if (sd === undefined || sd === null) return null;
    if (typeof sd === "string") return `'${sd.replace(/'/g, "''")}'`;
    if (sd instanceof ClauseElement) return this.process(sd, { literal_binds: true });
    return String(sd);
  }

  visit_drop_table(d: DropTable): string {
    return `\nDROP TABLE ${this.format_table(d.element)}`;
  }

  visit_create_index(c: CreateIndex): string {
    const ix = c.element;
    return `CREATE ${ix.unique ? "UNIQUE " : ""}INDEX ${this.quote(ix.name)} ON ${this.format_table(ix.table!)} (${ix.columns.map((col) => this.quote(col.name)).join(", ")})`;
  }

  visit_drop_index(d: DropIndex): string {
    return `\nDROP INDEX ${this.quote(d.element.name)}`;
  }
}
ddlFallback.cls = DDLCompiler;

/** What create_all needs from a dialect: does the table exist? */
interface HasTableDialect extends CompilerDialect {
  has_table(connection: Connection, table_name: string, schema?: string | null): boolean;
}

interface BindLike {
  begin?: <T>(fn: (conn: Connection) => T) => T;
  exec_driver_sql?: unknown;
  dialect: HasTableDialect;
}

function runWith(bind: unknown, fn: (conn: Connection) => void): void {
  const b = bind as BindLike;
  if (typeof b.exec_driver_sql === "function") fn(bind as Connection);
  else if (typeof b.begin === "function") b.begin(fn);
  else throw new TypeError(`create_all() / drop_all() need an Engine or a Connection, got ${String(bind)}`);
}

export function create_all(
  md: MetaData,
  bind: unknown,
  options: { checkfirst?: boolean; tables?: Table[] } = {},
): void {
  const checkfirst = options.checkfirst ?? true;
  runWith(bind, (conn) => {
    const dialect = conn.dialect as unknown as HasTableDialect;
    // SchemaGenerator: existence checks in the MetaData's order, then creation in dependency order
    const tables = options.tables ?? [...md.tables.values()];
    const missing = tables.filter((t) => !checkfirst || !dialect.has_table(conn, t.name, t.schema));
    for (const t of sort_tables(missing)) {
      conn.execute(new CreateTable(t));
      for (const ix of t.indexes) conn.execute(new CreateIndex(ix));
    }
  });
}

export function drop_all(
  md: MetaData,
  bind: unknown,
  options: { checkfirst?: boolean; tables?: Table[] } = {},
): void {
  const checkfirst = options.checkfirst ?? true;
  runWith(bind, (conn) => {
    const dialect = conn.dialect as unknown as HasTableDialect;
    // SchemaDropper: checks in the MetaData's order, drops in reverse dependency order
    const tables = options.tables ?? [...md.tables.values()];
    const present = tables.filter((t) => !checkfirst || dialect.has_table(conn, t.name, t.schema));
    for (const t of sort_tables(present).reverse()) conn.execute(new DropTable(t));
  });
}

metadataHooks.create_all = create_all;
metadataHooks.drop_all = drop_all;
tableHooks.create = (t, bind, o) => create_all(t.metadata, bind, { ...o, tables: [t] });
tableHooks.drop = (t, bind, o) => drop_all(t.metadata, bind, { ...o, tables: [t] });

defineModule("sqlalchemy.sql.ddl", CreateTable, DropTable, CreateIndex, DropIndex, DDLCompiler);
