/**
 * Joined-table inheritance over three tables (Employee → Manager → VP) on both databases, as
 * SQLAlchemy 2.0.52 runs it: a flush writes the tables base-most first and deletes them in reverse,
 * an UPDATE touches only the tables whose columns changed, select(VP) joins the three tables, and
 * select(Employee) makes an object of the deepest class a row's discriminator names.
 */
import { create_engine, ForeignKey, select } from "sqlalchemy";
import { DeclarativeBase, mapped_column, Session } from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class Employee extends Base {
  static __tablename__ = "employee";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column() accessor name!: string;
  @mapped_column() accessor type!: string;
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

class VP extends Manager {
  static __tablename__ = "vp";
  @mapped_column(ForeignKey("manager.id"), { primary_key: true }) override accessor id: number = 0;
  @mapped_column() accessor budget!: number;
  static override __mapper_args__ = { polymorphic_identity: "vp" };
}

const Employee_ = Employee as unknown as Record<string, any>;

eachDatabase("joined-table inheritance over three tables", ({ kind, url }) => {
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

  it("writes, reads and deletes the rows of each table", () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    engine.echo = true;
    using session = new Session(engine);
    session.add_all([
      new VP({ name: "v", manager_name: "vm", budget: 10 }),
      new Manager({ name: "m", manager_name: "mm" }),
    ]);
    session.commit();
    if (!pg)
      check([
        "BEGIN (implicit)",
        "INSERT INTO employee (name, type) VALUES (?, ?) RETURNING id",
        "[generated in Xs (insertmanyvalues) 1/2 (ordered; batch not supported)] ('v', 'vp')",
        "INSERT INTO employee (name, type) VALUES (?, ?) RETURNING id",
        "[insertmanyvalues 2/2 (ordered; batch not supported)] ('m', 'manager')",
        "INSERT INTO manager (id, manager_name) VALUES (?, ?)",
        "[generated in Xs] [(1, 'vm'), (2, 'mm')]",
        "INSERT INTO vp (id, budget) VALUES (?, ?)",
        "[generated in Xs] (1, 10)",
        "COMMIT",
      ]);
    else log();
    session.expunge_all();
    const all = session.scalars(select(Employee).order_by(Employee_.id)).all();
    expect(all[0]).toBeInstanceOf(VP);
    expect(all[1]).toBeInstanceOf(Manager);
    expect(all[1]).not.toBeInstanceOf(VP);
    session.expunge_all();
    log();
    expect(
      session
        .scalars(select(VP))
        .all()
        .map((v) => (v as VP).budget),
    ).toEqual([10]);
    check([
      "SELECT vp.id, manager.id AS id_1, employee.id AS id_2, employee.name, employee.type, manager.manager_name, vp.budget ",
      "FROM employee JOIN manager ON employee.id = manager.id JOIN vp ON manager.id = vp.id",
      "[generated in Xs] ()",
    ]);
    session.expunge_all();
    const v = session.get(VP, 1) as VP;
    v.budget = 11;
    v.name = "v2";
    session.flush();
    session.delete(v);
    session.flush();
    check([
      "SELECT vp.id AS vp_id, manager.id AS manager_id, employee.id AS employee_id, employee.name AS employee_name, employee.type AS employee_type, manager.manager_name AS manager_manager_name, vp.budget AS vp_budget ",
      "FROM employee JOIN manager ON employee.id = manager.id JOIN vp ON manager.id = vp.id ",
      "WHERE employee.id = ?",
      "[generated in Xs] (1,)",
      "UPDATE employee SET name=? WHERE employee.id = ?",
      "[generated in Xs] ('v2', 1)",
      "UPDATE vp SET budget=? WHERE vp.id = ?",
      "[generated in Xs] (11, 1)",
      "DELETE FROM vp WHERE vp.id = ?",
      "[generated in Xs] (1,)",
      "DELETE FROM manager WHERE manager.id = ?",
      "[generated in Xs] (1,)",
      "DELETE FROM employee WHERE employee.id = ?",
      "[generated in Xs] (1,)",
    ]);
  });
});
