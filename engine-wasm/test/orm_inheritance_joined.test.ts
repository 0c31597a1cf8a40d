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
import { create_engine, ForeignKey, insert, repr, select } from "sqlalchemy";
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

class Engineer extends Employee {
  static __tablename__ = "engineer";
  @mapped_column(ForeignKey("employee.id"), { primary_key: true }) override accessor id: number = 0;
  @mapped_column() accessor engineer_info!: string;
  static __mapper_args__ = { polymorphic_identity: "engineer" };
}

/** Class-level mapped attributes (`Employee.id`) are not in the classes' static types. */
const Employee_ = Employee as unknown as Record<string, any>;
const Manager_ = Manager as unknown as Record<string, any>;

eachDatabase("joined-table inheritance", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const setup = () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    engine.echo = true;
    return engine;
  };
  /** The log since the last call, one line each; on PostgreSQL its SQL with `?` for the parameters. */
  const log = (): string[] => {
    const lines = out.sql().join("\n").split("\n");
    out.clear();
    return lines;
  };
  /** The statements alone (PostgreSQL's parameters differ in style and form). */
  const sqlOf = (lines: string[]) =>
    lines.filter((l) => !l.startsWith("[")).map((l) => (pg ? l.replace(/%\([a-z_0-9]+\)s/g, "?") : l));
  const fill = (session: Session) => {
    const m = new Manager({ name: "m1", manager_name: "boss" });
    session.add_all([
      m,
      new Employee({ name: "e1" }),
      new Engineer({ name: "g1", engineer_info: "x" }),
      new Manager({ name: "m2", manager_name: "b2" }),
    ]);
    session.flush();
    return m;
  };

  it("inserts the base rows, then each subclass table's rows with the base row's primary key", () => {
    using session = new Session(setup());
    const m = new Manager({ name: "m1", manager_name: "boss" });
    // the discriminator is set when the object is made
    expect(m.type).toBe("manager");
    session.add_all([
      m,
      new Employee({ name: "e1" }),
      new Engineer({ name: "g1", engineer_info: "x" }),
      new Manager({ name: "m2", manager_name: "b2" }),
    ]);
    session.flush();
    if (!pg) {
      expect(log()).toEqual([
        "BEGIN (implicit)",
        "INSERT INTO employee (name, type) VALUES (?, ?) RETURNING id",
        "[generated in Xs (insertmanyvalues) 1/4 (ordered; batch not supported)] ('m1', 'manager')",
        "INSERT INTO employee (name, type) VALUES (?, ?) RETURNING id",
        "[insertmanyvalues 2/4 (ordered; batch not supported)] ('e1', 'employee')",
        "INSERT INTO employee (name, type) VALUES (?, ?) RETURNING id",
        "[insertmanyvalues 3/4 (ordered; batch not supported)] ('g1', 'engineer')",
        "INSERT INTO employee (name, type) VALUES (?, ?) RETURNING id",
        "[insertmanyvalues 4/4 (ordered; batch not supported)] ('m2', 'manager')",
        "INSERT INTO manager (id, manager_name) VALUES (?, ?)",
        "[generated in Xs] [(1, 'boss'), (4, 'b2')]",
        "INSERT INTO engineer (id, engineer_info) VALUES (?, ?)",
        "[generated in Xs] (3, 'x')",
      ]);
    } else {
      expect(log()).toEqual([
        "BEGIN (implicit)",
        "INSERT INTO employee (name, type) SELECT p0::VARCHAR, p1::VARCHAR FROM (VALUES (%(name__0)s, %(type__0)s, 0), (%(name__1)s, %(type__1)s, 1), (%(name__2)s, %(type__2)s, 2), (%(name__3)s, %(type__3)s, 3)) AS imp_sen(p0, p1, sen_counter) ORDER BY sen_counter RETURNING employee.id, employee.id AS id__1",
        "[generated in Xs (insertmanyvalues) 1/1 (ordered)] {'name__0': 'm1', 'type__0': 'manager', 'name__1': 'e1', 'type__1': 'employee', 'name__2': 'g1', 'type__2': 'engineer', 'name__3': 'm2', 'type__3': 'manager'}",
        "INSERT INTO manager (id, manager_name) VALUES (%(id__0)s, %(manager_name__0)s), (%(id__1)s, %(manager_name__1)s)",
        "[generated in Xs (insertmanyvalues) 1/1 (unordered)] {'id__0': 1, 'manager_name__0': 'boss', 'id__1': 4, 'manager_name__1': 'b2'}",
        "INSERT INTO engineer (id, engineer_info) VALUES (%(id)s, %(engineer_info)s)",
        "[generated in Xs] {'id': 3, 'engineer_info': 'x'}",
      ]);
    }
    expect([m.id, m.type]).toEqual([1, "manager"]);
  });

  it("updates only the tables whose columns changed, and deletes the subclass row first", () => {
    using session = new Session(setup());
    const m = fill(session);
    log();
    m.name = "m1b";
    session.flush();
    m.manager_name = "boss2";
    session.flush();
    m.name = "m1c";
    m.manager_name = "boss3";
    session.flush();
    const updates = [
      "UPDATE employee SET name=? WHERE employee.id = ?",
      "[generated in Xs] ('m1b', 1)",
      "UPDATE manager SET manager_name=? WHERE manager.id = ?",
      "[generated in Xs] ('boss2', 1)",
      "UPDATE employee SET name=? WHERE employee.id = ?",
      "[cached since Xs ago] ('m1c', 1)",
      "UPDATE manager SET manager_name=? WHERE manager.id = ?",
      "[cached since Xs ago] ('boss3', 1)",
    ];
    if (!pg) expect(log()).toEqual(updates);
    else expect(sqlOf(log())).toEqual(sqlOf(updates));
    session.commit();
    log();
    // (an expired object's primary key is loaded before its DELETE)
    session.delete(m);
    session.flush();
    const deletes = [
      "BEGIN (implicit)",
      "SELECT manager.id AS manager_id, employee.id AS employee_id, employee.name AS employee_name, employee.type AS employee_type, manager.manager_name AS manager_manager_name ",
      "FROM employee JOIN manager ON employee.id = manager.id ",
      "WHERE employee.id = ?",
      "[generated in Xs] (1,)",
      "DELETE FROM manager WHERE manager.id = ?",
      "[generated in Xs] (1,)",
      "DELETE FROM employee WHERE employee.id = ?",
      "[generated in Xs] (1,)",
    ];
    if (!pg) expect(log()).toEqual(deletes);
    else expect(sqlOf(log())).toEqual(sqlOf(deletes));
  });

  it("select(Employee) makes an object of each row's class; a subclass's own columns load when read", () => {
    using session = new Session(setup());
    fill(session);
    session.commit();
    session.expunge_all();
    log();
    const rows = session.scalars(select(Employee).order_by(Employee_.id)).all() as Employee[];
    expect(rows.map((r) => (r.constructor as unknown as { __name__: string }).__name__)).toEqual([
      "Manager",
      "Employee",
      "Engineer",
      "Manager",
    ]);
    expect(rows.map((r) => r.name)).toEqual(["m1", "e1", "g1", "m2"]);
    const selected = [
      "BEGIN (implicit)",
      "SELECT employee.id, employee.name, employee.type ",
      "FROM employee ORDER BY employee.id",
      "[generated in Xs] ()",
    ];
    if (!pg) expect(log()).toEqual(selected);
    else expect(sqlOf(log())).toEqual(sqlOf(selected));
    expect([(rows[0] as Manager).manager_name, (rows[2] as Engineer).engineer_info]).toEqual(["boss", "x"]);
    const loads = [
      "SELECT manager.manager_name AS manager_manager_name ",
      "FROM manager ",
      "WHERE ? = manager.id",
      "[generated in Xs] (1,)",
      "SELECT engineer.engineer_info AS engineer_engineer_info ",
      "FROM engineer ",
      "WHERE ? = engineer.id",
      "[generated in Xs] (3,)",
    ];
    if (!pg) expect(log()).toEqual(loads);
    else expect(sqlOf(log())).toEqual(sqlOf(loads));
    // one identity map entry per row, found through any class of the hierarchy that it is
    expect(session.get(Employee, 1)).toBe(rows[0]);
    expect(session.get(Manager, 1)).toBe(rows[0]);
    expect(out.sql()).toEqual([]);
  });

  it("select(Manager) and its attributes select from the JOIN of both tables", () => {
    using session = new Session(setup());
    fill(session);
    session.commit();
    session.expunge_all();
    log();
    const ms = session.scalars(select(Manager).order_by(Manager_.id)).all() as Manager[];
    expect(ms.map((m) => [m.id, m.name, m.manager_name])).toEqual([
      [1, "m1", "boss"],
      [4, "m2", "b2"],
    ]);
    expect(
      repr(session.execute(select(Manager_.name, Manager_.manager_name).order_by(Manager_.name)).all()),
    ).toBe("[('m1', 'boss'), ('m2', 'b2')]");
    const selects = [
      "BEGIN (implicit)",
      "SELECT manager.id, employee.id AS id_1, employee.name, employee.type, manager.manager_name ",
      "FROM employee JOIN manager ON employee.id = manager.id ORDER BY manager.id",
      "[generated in Xs] ()",
      "SELECT employee.name, manager.manager_name ",
      "FROM employee JOIN manager ON employee.id = manager.id ORDER BY employee.name",
      "[generated in Xs] ()",
    ];
    if (!pg) expect(log()).toEqual(selects);
    else expect(sqlOf(log())).toEqual(sqlOf(selects));
  });

  it("session.get() of a subclass loads from the JOIN, and finds no object of another class", () => {
    using session = new Session(setup());
    fill(session);
    session.commit();
    session.expunge_all();
    log();
    const e3 = session.get(Employee, 3);
    expect(e3).toBeInstanceOf(Engineer);
    expect(e3).not.toBeInstanceOf(Manager);
    expect(session.get(Manager, 3)).toBeNull();
    expect(session.get(Manager, 1)).toBeInstanceOf(Manager);
    const gets = [
      "BEGIN (implicit)",
      "SELECT employee.id AS employee_id, employee.name AS employee_name, employee.type AS employee_type ",
      "FROM employee ",
      "WHERE employee.id = ?",
      "[generated in Xs] (3,)",
      "SELECT manager.id AS manager_id, employee.id AS employee_id, employee.name AS employee_name, employee.type AS employee_type, manager.manager_name AS manager_manager_name ",
      "FROM employee JOIN manager ON employee.id = manager.id ",
      "WHERE employee.id = ?",
      "[generated in Xs] (3,)",
      "SELECT manager.id AS manager_id, employee.id AS employee_id, employee.name AS employee_name, employee.type AS employee_type, manager.manager_name AS manager_manager_name ",
      "FROM employee JOIN manager ON employee.id = manager.id ",
      "WHERE employee.id = ?",
      "[cached since Xs ago] (1,)",
    ];
    if (!pg) expect(log()).toEqual(gets);
    else expect(sqlOf(log())).toEqual(sqlOf(gets));
  });
  it("a discriminator no class has raises AssertionError, as SQLAlchemy's loading does", () => {
    using session = new Session(setup());
    session
      .connection()
      .execute(insert((Employee as unknown as { __table__: never }).__table__), [
        { name: "x", type: "bogus" },
      ]);
    expect(() => session.scalars(select(Employee)).all()).toThrow(
      "No such polymorphic_identity 'bogus' is defined",
    );
  });
});
