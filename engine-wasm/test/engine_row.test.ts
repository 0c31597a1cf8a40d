/**
 * Row as SQLAlchemy's named tuple, on both databases: equality, ordering and hashing as the tuple of
 * its values, the tuple methods count() / index() unless a column takes the name, and the errors
 * Python raises on assignment (transcript 55). Also CursorResult's module path.
 */

import {
  Column,
  CursorResult,
  create_engine,
  func,
  hash,
  Integer,
  insert,
  literal,
  MetaData,
  repr,
  String as StringType,
  select,
  Table,
  tuple,
} from "sqlalchemy";
import { NoSuchColumnError } from "sqlalchemy/exc";
import { AttributeError, IndexError, ValueError } from "sqlalchemy/testing";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

const m = new MetaData();
const users = new Table(
  "user_account",
  m,
  new Column("id", Integer, { primary_key: true }),
  new Column("name", StringType(30)),
);

eachDatabase("Row", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const setup = () => {
    const engine = create_engine(url);
    m.create_all(engine);
    engine.begin((conn) => {
      conn.execute(insert(users), [{ name: "spongebob" }, { name: "sandy" }, { name: "spongebob" }]);
    });
    engine.echo = true;
    return engine;
  };
  const rowsOf = (engine: ReturnType<typeof setup>) => {
    using conn = engine.connect();
    return conn.execute(select(users.c.id, users.c.name).order_by(users.c.id)).all();
  };

  it("CursorResult names its own module", () => {
    const engine = setup();
    using conn = engine.connect();
    const result = conn.execute(select(users.c.id));
    expect(result).toBeInstanceOf(CursorResult);
    expect(repr(result)).toMatch(/^<sqlalchemy\.engine\.cursor\.CursorResult object at 0x[0-9a-f]+>$/);
  });

  it("equals a tuple of its values and another Row, never a list", () => {
    const [row, other] = rowsOf(setup());
    expect(row!.equals(tuple([1, "spongebob"]))).toBe(true);
    expect(row!.equals([1, "spongebob"])).toBe(false);
    expect(row!.equals(tuple([1, "sandy"]))).toBe(false);
    expect(row!.equals(other)).toBe(false);
    expect(row!.__ne__(other)).toBe(true);
    expect(row!.includes("spongebob")).toBe(true);
    expect(row!.includes("name")).toBe(false);
    expect(repr(row!.slice(0, 1))).toBe("(1,)");
  });

  it("orders as tuples, item by item", () => {
    const [a, b, c] = rowsOf(setup());
    expect(a!.__lt__(b)).toBe(true);
    expect(b!.__gt__(a)).toBe(true);
    expect(c!.__ge__(tuple([3, "spongebob"]))).toBe(true);
    expect(a!.__le__(tuple([1, "a"]))).toBe(false);
    expect(() => a!.__lt__([1, 2])).toThrow(
      new TypeError("'<' not supported between instances of 'Row' and 'list'"),
    );
  });

  it("hashes as the tuple of its values: equal rows hash equal", () => {
    const engine = setup();
    const [a, , c] = rowsOf(engine);
    expect(hash(a)).toBe(hash(tuple([1, "spongebob"])));
    expect(hash(a)).toBe(a!.__hash__());
    expect(hash(a)).toBe(hash(rowsOf(engine)[0]));
    expect(hash(a)).not.toBe(hash(c));
    using conn = engine.connect();
    const names = conn.execute(select(users.c.name).order_by(users.c.id)).all();
    expect(new Set(names.map((r) => hash(r))).size).toBe(2);
    expect(() => hash([1])).toThrow(new TypeError("unhashable type: 'list'"));
    expect(() => hash({ a: 1 })).toThrow(new TypeError("unhashable type: 'dict'"));
  });

  it("has count() and index(), unless a column is named so", () => {
    const engine = setup();
    const [row] = rowsOf(engine);
    expect(row!.count("spongebob")).toBe(1);
    expect(row!.index("spongebob")).toBe(1);
    expect(() => row!.index("x")).toThrow(new ValueError("tuple.index(x): x not in tuple"));
    using conn = engine.connect();
    out.clear();
    const named = conn
      .execute(select(func.count().label("count"), literal(7).label("index")).select_from(users))
      .one();
    expect(named.count).toBe(3);
    expect(named.index).toBe(7);
    // "index" is a reserved word to SQLite's identifier preparer, not to PostgreSQL's
    expect(out.sql()[1]).toBe(
      pg
        ? "SELECT count(*) AS count, %(param_1)s AS index \nFROM user_account"
        : 'SELECT count(*) AS count, ? AS "index" \nFROM user_account',
    );
  });

  it("refuses assignment and deletion with Python's errors", () => {
    const [row] = rowsOf(setup());
    const r = row as any;
    expect(() => {
      r.name = "x";
    }).toThrow(new AttributeError("can't set attribute"));
    expect(() => {
      r.other = "x";
    }).toThrow(new AttributeError("can't set attribute"));
    expect(() => {
      r[0] = 99;
    }).toThrow(new TypeError("'Row' object does not support item assignment"));
    expect(() => {
      r[7] = 99;
    }).toThrow(new TypeError("'Row' object does not support item assignment"));
    expect(() => row!.__delattr__("name")).toThrow(new AttributeError("can't delete attribute"));
    expect(() => {
      r._mapping.name = "x";
    }).toThrow(new TypeError("'RowMapping' object does not support item assignment"));
    expect(() => {
      r._mapping.other = "x";
    }).toThrow(new TypeError("'RowMapping' object does not support item assignment"));
    expect(row!.name).toBe("spongebob");
    expect(() => row!.nope).toThrow(new AttributeError("Could not locate column in row for column 'nope'"));
    expect(() => row!._mapping.nope).toThrow(NoSuchColumnError);
    expect(() => row![5]).toThrow(new IndexError("tuple index out of range"));
  });
});
