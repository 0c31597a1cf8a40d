/**
 * The DDL compiler (SQLAlchemy's sql/compiler.py DDLCompiler): CREATE / DROP TABLE and INDEX, column
 * specifications and constraints. Dialects subclass it (PGDDLCompiler: SERIAL keys). Its dispatch
 * table is SQLCompiler's plus one visitor per DDL element.
 */
import { defineModule } from "../util/repr.ts";
import { ddlFallback, SQL_VISITORS, SQLCompiler } from "./compiler.ts";
import type { CreateIndex, CreateTable, DropIndex, DropTable } from "./ddl.ts";
import { ClauseElement } from "./elements.ts";
import {
  CheckConstraint,
  type Column,
  type Constraint,
  ForeignKeyConstraint,
  PrimaryKeyConstraint,
  type Table,
  UniqueConstraint,
} from "./schema.ts";
import type { DDLVisitName, VisitorTable } from "./visitors.ts";

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

const DDL_VISITORS: VisitorTable<DDLCompiler, DDLVisitName> = {
  create_table: (c, e) => c.visit_create_table(e),
  drop_table: (c, e) => c.visit_drop_table(e),
  create_index: (c, e) => c.visit_create_index(e),
  drop_index: (c, e) => c.visit_drop_index(e),
};
Object.defineProperty(DDLCompiler.prototype, "_visitors", {
  value: { ...SQL_VISITORS, ...DDL_VISITORS },
  writable: false,
});
ddlFallback.cls = DDLCompiler;

defineModule("sqlalchemy.sql.compiler", DDLCompiler);
