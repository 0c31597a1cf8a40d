/**
 * Relationships with mapped class inheritance on both databases, as SQLAlchemy 2.0.52 runs them: a
 * one-to-many to the base class holds objects of each row's class (the lazy load is a SELECT of the
 * base table, a subclass's own columns loading when read), a subclass inherits the base class's
 * relationships, and a flush of the parent writes the base and subclass rows in order.
 */
import { create_engine, ForeignKey, select } from "sqlalchemy";
import { DeclarativeBase, mapped_column, relationship, Session } from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class Company extends Base {
  static __tablename__ = "company";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column() accessor name!: string;
  @relationship(() => Employee, { back_populates: "company" }) accessor employees!: Employee[];
}

class Employee extends Base {
  static __tablename__ = "employee";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column() accessor name!: string;
  @mapped_column() accessor type!: string;
  @mapped_column(ForeignKey("company.id")) accessor company_id!: number;
  @relationship(() => Company, { back_populates: "employees" }) accessor company!: Company;
  static __mapper_args__: Record<string, unknown> = {
    polymorphic_identity: "employee",
    polymorphic_on: "type",
  };
}

class Manager extends Employee {
  static __tablename__ = "manager";
  @mapped_column(ForeignKey("employee.id"), { primary_key: true }) override accessor id: number = 0;
  @mapped_column() accessor manager_name!: string;
  static __mapper_args__ = { polymorphic_identity: "manager" };
}

eachDatabase("relationships and inheritance", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const log = (): string[] => {
    const lines = out.sql().join("\n").split("\n");
    out.clear();
    return lines;
  };
  const sqlOf = (lines: string[]) =>
    lines.filter((l) => !l.startsWith("[")).map((l) => l.replace(/%\([a-z_0-9]+\)s/g, "?"));
  const check = (expected: string[]) => {
    if (!pg) expect(log()).toEqual(expected);
    else expect(sqlOf(log())).toEqual(sqlOf(expected));
  };

  it("a collection of the base class holds objects of each row's class", () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    engine.echo = true;
    using session = new Session(engine);
    session.add(
      new Company({
        name: "Krusty Krab",
        employees: [
          new Manager({ name: "krabs", manager_name: "Eugene" }),
          new Employee({ name: "squidward" }),
        ],
      }),
    );
    session.commit();
    if (!pg)
      check([
        "BEGIN (implicit)",
        "INSERT INTO company (name) VALUES (?)",
        "[generated in Xs] ('Krusty Krab',)",
        "INSERT INTO employee (name, type, company_id) VALUES (?, ?, ?) RETURNING id",
        "[generated in Xs (insertmanyvalues) 1/2 (ordered; batch not supported)] ('krabs', 'manager', 1)",
        "INSERT INTO employee (name, type, company_id) VALUES (?, ?, ?) RETURNING id",
        "[insertmanyvalues 2/2 (ordered; batch not supported)] ('squidward', 'employee', 1)",
        "INSERT INTO manager (id, manager_name) VALUES (?, ?)",
        "[generated in Xs] (1, 'Eugene')",
        "COMMIT",
      ]);
    else log();
    session.expunge_all();
    const c = session.scalars(select(Company)).one() as Company;
    const [krabs, squidward] = c.employees;
    expect(krabs).toBeInstanceOf(Manager);
    expect(squidward).not.toBeInstanceOf(Manager);
    expect(krabs!.company).toBe(c);
    expect((krabs as Manager).manager_name).toBe("Eugene");
    check([
      "BEGIN (implicit)",
      "SELECT company.id, company.name ",
      "FROM company",
      "[generated in Xs] ()",
      "SELECT employee.id AS employee_id, employee.name AS employee_name, employee.type AS employee_type, employee.company_id AS employee_company_id ",
      "FROM employee ",
      "WHERE ? = employee.company_id",
      "[generated in Xs] (1,)",
      "SELECT manager.manager_name AS manager_manager_name ",
      "FROM manager ",
      "WHERE ? = manager.id",
      "[generated in Xs] (1,)",
    ]);
    const m = session.scalars(select(Manager)).one() as Manager;
    expect(m.company.name).toBe("Krusty Krab");
    check([
      "SELECT manager.id, employee.id AS id_1, employee.name, employee.type, employee.company_id, manager.manager_name ",
      "FROM employee JOIN manager ON employee.id = manager.id",
      "[generated in Xs] ()",
    ]);
  });
});
