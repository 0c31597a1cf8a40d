/**
 * `sqlalchemy.sql.ddl`: CreateTable / DropTable / CreateIndex / DropIndex (rendered by
 * ddl_compiler.ts's DDLCompiler), and `metadata.create_all()` / `drop_all()` with SQLAlchemy's
 * existence checks (SchemaGenerator / SchemaDropper): every table is checked first, then the
 * missing ones are created in dependency order.
 */
import type { Connection, ExecutionOptions } from "../engine/base.ts";
import type { CursorResult } from "../engine/cursor.ts";
import { defineModule } from "../util/repr.ts";
import type { CompilerDialect } from "./compiler.ts";
import "./ddl_compiler.ts";
import { type CacheKeyBuilder, ClauseElement } from "./elements.ts";
import { type Index, type MetaData, metadataHooks, sort_tables, type Table, tableHooks } from "./schema.ts";

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

defineModule("sqlalchemy.sql.ddl", CreateTable, DropTable, CreateIndex, DropIndex);
