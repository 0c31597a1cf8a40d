/**
 * Single-table inheritance on both databases, as SQLAlchemy 2.0.52 runs it
 * (doc/build/orm/inheritance.rst): a subclass with no table of its own puts its columns on the base
 * table; each object's INSERT names its own class's columns; a SELECT of a subclass, of its
 * attributes or its session.get() limits the rows to its discriminator values
 * (`employee.type IN (...)`); select(Employee) makes an object of each row's class.
 */
import { CreateTable, create_engine, delete as delete_, insert, repr, select, update } from "sqlalchemy";
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
  @mapped_column({ nullable: true }) accessor manager_name!: string;
  static __mapper_args__ = { polymorphic_identity: "manager" };
}

class Engineer extends Employee {
  @mapped_column() accessor engineer_info!: string | null;
  static __mapper_args__ = { polymorphic_identity: "engineer" };
}

/** Class-level mapped attributes (`Employee.id`) are not in the classes' static types. */
const Employee_ = Employee as unknown as Record<string, any>;
const Manager_ = Manager as unknown as Record<string, any>;
const Engineer_ = Engineer as unknown as Record<string, any>;

it("puts the subclasses' columns on the base table", () => {
  expect(String(CreateTable((Employee as unknown as { __table__: never }).__table__))).toBe(
    "\nCREATE TABLE employee (\n\tid INTEGER NOT NULL, \n\tname VARCHAR NOT NULL, \n\ttype VARCHAR NOT NULL, \n\tmanager_name VARCHAR, \n\tengineer_info VARCHAR, \n\tPRIMARY KEY (id)\n)\n\n",
  );
});

eachDatabase("single-table inheritance", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const setup = () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    engine.echo = true;
    return engine;
  };
  const log = (): string[] => {
    const lines = out.sql().join("\n").split("\n");
    out.clear();
    return lines;
  };
  /** The statements alone, `?` for the parameters (PostgreSQL's differ in style and form). */
  const sqlOf = (lines: string[]) =>
    lines.filter((l) => !l.startsWith("[")).map((l) => l.replace(/%\([a-z_0-9]+\)s/g, "?"));
  const check = (expected: string[]) => {
    if (!pg) expect(log()).toEqual(expected);
    else expect(sqlOf(log())).toEqual(sqlOf(expected));
  };
  const fill = (session: Session) => {
    session.add_all([
      new Manager({ name: "m1", manager_name: "boss" }),
      new Employee({ name: "e1" }),
      new Engineer({ name: "g1", engineer_info: "x" }),
      new Manager({ name: "m2", manager_name: "b2" }),
    ]);
    session.flush();
  };

  it("inserts each object with its own class's columns and its discriminator", () => {
    using session = new Session(setup());
    fill(session);
    const sql = [
      "BEGIN (implicit)",
      "INSERT INTO employee (name, type, manager_name) VALUES (?, ?, ?)",
      "[generated in Xs] ('m1', 'manager', 'boss')",
      "INSERT INTO employee (name, type) VALUES (?, ?)",
      "[generated in Xs] ('e1', 'employee')",
      "INSERT INTO employee (name, type, engineer_info) VALUES (?, ?, ?)",
      "[generated in Xs] ('g1', 'engineer', 'x')",
      "INSERT INTO employee (name, type, manager_name) VALUES (?, ?, ?)",
      "[cached since Xs ago] ('m2', 'manager', 'b2')",
    ];
    // PostgreSQL's single-row INSERT returns the primary key
    if (pg)
      expect(sqlOf(log())).toEqual(
        sqlOf(sql).map((l) => (l.startsWith("INSERT") ? `${l} RETURNING employee.id` : l)),
      );
    else check(sql);
  });

  it("session.get() of a subclass adds its discriminator to the WHERE", () => {
    using session = new Session(setup());
    fill(session);
    session.commit();
    session.expunge_all();
    log();
    const m = session.get(Manager, 1) as Manager;
    m.manager_name = "b3";
    m.name = "m1b";
    session.flush();
    check([
      "BEGIN (implicit)",
      "SELECT employee.id AS employee_id, employee.name AS employee_name, employee.type AS employee_type, employee.manager_name AS employee_manager_name ",
      "FROM employee ",
      "WHERE employee.id = ? AND employee.type IN (?)",
      "[generated in Xs] (1, 'manager')",
      "UPDATE employee SET name=?, manager_name=? WHERE employee.id = ?",
      "[generated in Xs] ('m1b', 'b3', 1)",
    ]);
    expect(session.get(Manager, 2)).toBeNull();
    check([
      "SELECT employee.id AS employee_id, employee.name AS employee_name, employee.type AS employee_type, employee.manager_name AS employee_manager_name ",
      "FROM employee ",
      "WHERE employee.id = ? AND employee.type IN (?)",
      "[cached since Xs ago] (2, 'manager')",
    ]);
  });

  it("select(Employee) makes an object of each row's class; select(Manager) keeps its rows", () => {
    using session = new Session(setup());
    fill(session);
    session.commit();
    session.expunge_all();
    log();
    const rows = session.scalars(select(Employee).order_by(Employee_.id)).all() as Employee[];
    expect(rows[0]).toBeInstanceOf(Manager);
    expect(rows[1]).not.toBeInstanceOf(Manager);
    expect(rows[2]).toBeInstanceOf(Engineer);
    expect((rows[0] as Manager).manager_name).toBe("boss");
    check([
      "BEGIN (implicit)",
      "SELECT employee.id, employee.name, employee.type ",
      "FROM employee ORDER BY employee.id",
      "[generated in Xs] ()",
      "SELECT employee.manager_name AS employee_manager_name ",
      "FROM employee ",
      "WHERE employee.id = ? AND employee.type IN (?)",
      "[generated in Xs] (1, 'manager')",
    ]);
    const managers = session
      .scalars(select(Manager).where(Manager_.name.like("m%")).order_by(Manager_.id))
      .all() as Manager[];
    expect(managers.map((m) => m.name)).toEqual(["m1", "m2"]);
    expect(repr(session.scalars(select(Manager_.manager_name).order_by(Manager_.manager_name)).all())).toBe(
      "['b2', 'boss']",
    );
    expect(repr(session.scalars(select(Engineer_.name)).all())).toBe("['g1']");
    check([
      "SELECT employee.id, employee.name, employee.type, employee.manager_name ",
      "FROM employee ",
      "WHERE employee.name LIKE ? AND employee.type IN (?) ORDER BY employee.id",
      "[generated in Xs] ('m%', 'manager')",
      "SELECT employee.manager_name ",
      "FROM employee ",
      "WHERE employee.type IN (?) ORDER BY employee.manager_name",
      "[generated in Xs] ('manager',)",
      "SELECT employee.name ",
      "FROM employee ",
      "WHERE employee.type IN (?)",
      "[generated in Xs] ('engineer',)",
    ]);
    session.delete(rows[0]!);
    session.flush();
    check(["DELETE FROM employee WHERE employee.id = ?", "[generated in Xs] (1,)"]);
  });
  it("ORM INSERT fills in the discriminator; update() / delete() of a subclass add its criterion", () => {
    using session = new Session(setup());
    session.execute(insert(Manager), [
      { name: "a", manager_name: "A" },
      { name: "b", manager_name: "B" },
    ]);
    session.execute(insert(Employee), [{ name: "c" }]);
    const inserts = [
      "BEGIN (implicit)",
      "INSERT INTO employee (name, type, manager_name) VALUES (?, ?, ?)",
      "[generated in Xs] [('a', 'manager', 'A'), ('b', 'manager', 'B')]",
      "INSERT INTO employee (name, type) VALUES (?, ?)",
      "[generated in Xs] ('c', 'employee')",
    ];
    if (!pg) check(inserts);
    else log();
    session.execute(update(Manager).where(Manager_.name.eq("a")).values({ manager_name: "X" }));
    session.execute(update(Manager).values({ manager_name: "Y" }));
    session.execute(delete_(Manager).where(Manager_.name.eq("b")));
    check([
      "UPDATE employee SET manager_name=? WHERE employee.name = ? AND employee.type IN (?)",
      "[generated in Xs] ('X', 'a', 'manager')",
      "UPDATE employee SET manager_name=? WHERE employee.type IN (?)",
      "[generated in Xs] ('Y', 'manager')",
      "DELETE FROM employee WHERE employee.name = ? AND employee.type IN (?)",
      "[generated in Xs] ('b', 'manager')",
    ]);
    expect(repr(session.execute(select(Employee_.name, Employee_.type).order_by(Employee_.id)).all())).toBe(
      "[('a', 'manager'), ('c', 'employee')]",
    );
  });
});
