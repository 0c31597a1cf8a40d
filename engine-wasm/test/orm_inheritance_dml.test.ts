/**
 * ORM-enabled INSERT / UPDATE / DELETE of a joined-table subclass on both databases, as SQLAlchemy
 * 2.0.52 runs them (doc/build/orm/queryguide/dml.rst): a bulk INSERT writes each table in turn, the
 * base rows' primary keys going into the subclass rows (RETURNING in parameter order, the results
 * spliced into objects); a bulk UPDATE by primary key updates each table whose columns the
 * dictionaries name; update(Manager) / delete(Manager) act on the subclass's own table.
 */
import { create_engine, delete as delete_, ForeignKey, insert, repr, select, update } from "sqlalchemy";
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

/** Class-level mapped attributes (`Employee.id`) are not in the classes' static types. */
const Employee_ = Employee as unknown as Record<string, any>;
const Manager_ = Manager as unknown as Record<string, any>;

eachDatabase("ORM DML of a joined-table subclass", ({ kind, url }) => {
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
  const sandy = [
    { name: "sandy", manager_name: "Sandy Cheeks" },
    { name: "ehkrabs", manager_name: "Eugene H. Krabs" },
  ];

  it("bulk INSERT with RETURNING writes each table and returns objects of the subclass", () => {
    using session = new Session(setup());
    const ms = session.scalars(insert(Manager).returning(Manager), sandy).all() as Manager[];
    expect(ms.map((m) => [m instanceof Manager, m.id, m.name, m.type, m.manager_name])).toEqual([
      [true, 1, "sandy", "manager", "Sandy Cheeks"],
      [true, 2, "ehkrabs", "manager", "Eugene H. Krabs"],
    ]);
    if (!pg)
      check([
        "BEGIN (implicit)",
        "INSERT INTO employee (name, type) VALUES (?, ?) RETURNING id, name, type",
        "[generated in Xs (insertmanyvalues) 1/2 (ordered; batch not supported)] ('sandy', 'manager')",
        "INSERT INTO employee (name, type) VALUES (?, ?) RETURNING id, name, type",
        "[insertmanyvalues 2/2 (ordered; batch not supported)] ('ehkrabs', 'manager')",
        "INSERT INTO manager (id, manager_name) VALUES (?, ?), (?, ?) RETURNING id, manager_name, id AS id__1",
        "[generated in Xs (insertmanyvalues) 1/1 (ordered)] (1, 'Sandy Cheeks', 2, 'Eugene H. Krabs')",
      ]);
    else
      expect(log()).toEqual([
        "BEGIN (implicit)",
        "INSERT INTO employee (name, type) SELECT p0::VARCHAR, p1::VARCHAR FROM (VALUES (%(name__0)s, %(type__0)s, 0), (%(name__1)s, %(type__1)s, 1)) AS imp_sen(p0, p1, sen_counter) ORDER BY sen_counter RETURNING employee.id, employee.name, employee.type, employee.id AS id__1",
        "[generated in Xs (insertmanyvalues) 1/1 (ordered)] {'name__0': 'sandy', 'type__0': 'manager', 'name__1': 'ehkrabs', 'type__1': 'manager'}",
        "INSERT INTO manager (id, manager_name) VALUES (%(id__0)s, %(manager_name__0)s), (%(id__1)s, %(manager_name__1)s) RETURNING manager.id, manager.manager_name, manager.id AS id__1",
        "[generated in Xs (insertmanyvalues) 1/1 (ordered)] {'id__0': 1, 'manager_name__0': 'Sandy Cheeks', 'id__1': 2, 'manager_name__1': 'Eugene H. Krabs'}",
      ]);
  });

  it("bulk INSERT without RETURNING fetches the base rows' primary keys", () => {
    using session = new Session(setup());
    session.execute(insert(Manager), [
      { name: "a", manager_name: "A" },
      { name: "b", manager_name: "B" },
    ]);
    if (!pg)
      check([
        "BEGIN (implicit)",
        "INSERT INTO employee (name, type) VALUES (?, ?) RETURNING id",
        "[generated in Xs (insertmanyvalues) 1/2 (ordered; batch not supported)] ('a', 'manager')",
        "INSERT INTO employee (name, type) VALUES (?, ?) RETURNING id",
        "[insertmanyvalues 2/2 (ordered; batch not supported)] ('b', 'manager')",
        "INSERT INTO manager (id, manager_name) VALUES (?, ?)",
        "[generated in Xs] [(1, 'A'), (2, 'B')]",
      ]);
    expect(repr(session.execute(select(Manager_.id, Manager_.name, Manager_.manager_name)).all())).toBe(
      "[(1, 'a', 'A'), (2, 'b', 'B')]",
    );
  });

  it("bulk UPDATE by primary key updates the tables whose columns the dictionaries name", () => {
    using session = new Session(setup());
    const ms = session.scalars(insert(Manager).returning(Manager), sandy).all() as Manager[];
    log();
    session.execute(update(Manager), [
      { id: 1, name: "scheeks", manager_name: "Sandy Cheeks, President" },
      { id: 2, name: "eugene", manager_name: "Eugene H. Krabs, VP Marketing" },
    ]);
    // the objects in the Session take the new values
    expect(ms.map((m) => [m.name, m.manager_name])).toEqual([
      ["scheeks", "Sandy Cheeks, President"],
      ["eugene", "Eugene H. Krabs, VP Marketing"],
    ]);
    session.execute(update(Manager), [{ id: 1, manager_name: "A2" }]);
    check([
      "UPDATE employee SET name=? WHERE employee.id = ?",
      "[generated in Xs] [('scheeks', 1), ('eugene', 2)]",
      "UPDATE manager SET manager_name=? WHERE manager.id = ?",
      "[generated in Xs] [('Sandy Cheeks, President', 1), ('Eugene H. Krabs, VP Marketing', 2)]",
      "UPDATE manager SET manager_name=? WHERE manager.id = ?",
      "[generated in Xs] ('A2', 1)",
    ]);
  });

  it("update(Manager) with criteria updates the subclass table: WHERE, a subquery (fetch), FROM", () => {
    using session = new Session(setup());
    const ms = session.scalars(insert(Manager).returning(Manager), sandy).all() as Manager[];
    log();
    session.execute(update(Manager).where(Manager_.id.eq(1)).values({ manager_name: "P" }));
    expect(ms[0]!.manager_name).toBe("P");
    session.execute(
      update(Manager)
        .where(Manager_.id.eq(select(Employee_.id).where(Employee_.name.eq("ehkrabs")).scalar_subquery()))
        .values({ manager_name: "Q" }),
    );
    session.execute(
      update(Manager)
        .where(Manager_.id.eq(Employee_.id), Employee_.name.eq("sandy"))
        .values({ manager_name: "R" }),
    );
    const sql = [
      "UPDATE manager SET manager_name=? WHERE manager.id = ?",
      "[generated in Xs] ('P', 1)",
      "UPDATE manager SET manager_name=? WHERE manager.id = (SELECT employee.id ",
      "FROM employee ",
      "WHERE employee.name = ?) RETURNING id",
      "[generated in Xs] ('Q', 'ehkrabs')",
      "UPDATE manager SET manager_name=? FROM employee WHERE manager.id = employee.id AND employee.name = ?",
      "[generated in Xs] ('R', 'sandy')",
    ];
    if (!pg) check(sql);
    else
      expect(sqlOf(log())).toEqual(
        sqlOf(sql).map((l) => l.replace(" RETURNING id", " RETURNING manager.id")),
      );
    expect(ms.map((m) => m.manager_name)).toEqual(["R", "Q"]);
    expect(
      repr(session.execute(select(Manager_.name, Manager_.manager_name).order_by(Manager_.id)).all()),
    ).toBe("[('sandy', 'R'), ('ehkrabs', 'Q')]");
  });

  it("delete(Manager) deletes from the subclass table", () => {
    using session = new Session(setup());
    session.execute(insert(Manager), sandy);
    log();
    session.execute(delete_(Manager).where(Manager_.id.eq(2)));
    session.execute(delete_(Employee).where(Employee_.id.eq(2)));
    check([
      "DELETE FROM manager WHERE manager.id = ?",
      "[generated in Xs] (2,)",
      "DELETE FROM employee WHERE employee.id = ?",
      "[generated in Xs] (2,)",
    ]);
    expect(repr(session.scalars(select(Employee_.name)).all())).toBe("['sandy']");
  });
});
