/**
 * Joined-table inheritance on both databases, as SQLAlchemy 2.0.52 runs it
 * (doc/build/orm/inheritance.rst): a subclass with a table of its own whose primary key refers to
 * the base table, `polymorphic_on` / `polymorphic_identity` in `__mapper_args__`. A flush writes
 * the base table's row then the subclass table's (its primary key taken from the base row, the
 * discriminator filled in), updates only the tables whose columns changed and deletes the subclass
 * row first; `select(Manager)` selects from the JOIN of both tables; `select(Employee)` makes an
 * object of each row's class, whose own columns load when first read; the identity map is keyed by
 * the base class.
 */
import { create_engine, ForeignKey, repr, select } from "sqlalchemy";
import { DeclarativeBase, mapped_column, Session } from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class Employee extends Base {
  static __tablename__ = "employee";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column() accessor name!: string;
  @mapped_column() accessor type!: string;
  static __mapper_args__ = { polymorphic_identity: "employee", polymorphic_on: "type" };
}

class Manager extends Employee {
  static __tablename__ = "manager";
  @mapped_column(ForeignKey("employee.id"), { primary_key: true }) accessor id!: number;
  @mapped_column() accessor manager_name!: string;
  static __mapper_args__ = { polymorphic_identity: "manager" };
}

class Engineer extends Employee {
  static __tablename__ = "engineer";
  @mapped_column(ForeignKey("employee.id"), { primary_key: true }) accessor id!: number;
  @mapped_column() accessor engineer_info!: string;
  static __mapper_args__ = { polymorphic_identity: "engineer" };
}

/** Class-level mapped attributes (`Employee.id`) are not in the classes' static types. */
const Employee_ = Employee as unknown as Record<string, any>;
const Manager_ = Manager as unknown as Record<string, any>;

eachDatabase("joined-table inheritance", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const q = (sql: string) => (pg ? sql.replace(/\?/g, () => "%(x)s") : sql);
  const setup = () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    engine.echo = true;
    return engine;
  };
  const statements = () =>
    out.sql().filter((l) => /^(INSERT|UPDATE|DELETE|SELECT)/.test(l)).map((l) => l.replace(/%\([a-z_0-9]+\)s/g, "%(x)s"));

  it("inserts the base row, then the subclass row with the base row's primary key", () => {
    using session = new Session(setup());
    session.add_all([
      new Manager({ name: "m1", manager_name: "boss" }),
      new Employee({ name: "e1" }),
      new Engineer({ name: "g1", engineer_info: "x" }),
      new Manager({ name: "m2", manager_name: "b2" }),
    ]);
    session.flush();
    console.log(out.sql().join("\n"));
  });
});
