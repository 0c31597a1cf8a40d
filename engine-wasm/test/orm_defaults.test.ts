/**
 * Column defaults on both databases: Python-side default= and onupdate= (values and callables,
 * computed once per row at execution), server_default= and SQL-expression onupdate, Core's
 * return_defaults(), and what the ORM's flush does with them under eager_defaults "auto", true and
 * false — RETURNING where SQLAlchemy fetches, expired and loaded on access where it does that.
 */
import {
  Column,
  create_engine,
  Integer,
  insert,
  literal_column,
  MetaData,
  String as StringType,
  Table,
  update,
} from "sqlalchemy";
import { DeclarativeBase, inspect, mapped_column, Session } from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

let next_code = 100;
let next_tick = 1;

class Base extends DeclarativeBase {}
class Columns extends Base {
  static __abstract__ = true;
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(20)) accessor name!: string;
  @mapped_column(Integer, { default: () => next_code++ }) accessor code!: number;
  @mapped_column(Integer, { server_default: "0" }) accessor qty!: number;
  @mapped_column(Integer, { server_default: "1", onupdate: literal_column("revision + 1") })
  accessor revision!: number;
  @mapped_column(Integer, { default: 0, onupdate: () => next_tick++ }) accessor touched!: number;
}
class Auto extends Columns {
  static __tablename__ = "item_auto";
}
class Eager extends Columns {
  static __tablename__ = "item_eager";
  static __mapper_args__ = { eager_defaults: true };
}
class Lazy extends Columns {
  static __tablename__ = "item_lazy";
  static __mapper_args__ = { eager_defaults: false };
}

const metadata = new MetaData();
const counter = new Table(
  "counter",
  metadata,
  new Column("id", Integer, { primary_key: true }),
  new Column("label", StringType(10)),
  new Column("code", Integer, { default: () => next_code++ }),
  new Column("qty", Integer, { server_default: "7" }),
  new Column("touched", Integer, { onupdate: () => next_tick++ }),
);

const loaded = (o: object) =>
  Object.keys(inspect(o).dict)
    .filter((k) => !k.startsWith("_"))
    .sort();

eachDatabase("column defaults", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const p = (name: string) => (pg ? `%(${name})s` : "?");
  const q = (table: string, col: string) => (pg ? `${table}.${col}` : col);
  const setup = () => {
    next_code = 100;
    next_tick = 1;
    const engine = create_engine(url, { echo: false });
    Base.metadata.create_all(engine);
    metadata.create_all(engine);
    engine.echo = true;
    return engine;
  };

  it("Core: a callable default runs once per row, onupdate goes into the SET, return_defaults() RETURNs", () => {
    const engine = setup();
    engine.begin((conn) => {
      out.clear();
      const r = conn.execute(insert(counter), [{ label: "a" }, { label: "b" }]);
      expect(r.context.compiled_parameters.map((cp) => cp.code)).toEqual([100, 101]);
      expect(out.sql()).toEqual(
        pg
          ? [
              "INSERT INTO counter (label, code) VALUES (%(label__0)s, %(code__0)s), (%(label__1)s, %(code__1)s)",
              "[generated in Xs (insertmanyvalues) 1/1 (unordered)] {'label__0': 'a', 'code__0': 100, 'label__1': 'b', 'code__1': 101}",
            ]
          : ["INSERT INTO counter (label, code) VALUES (?, ?)", "[generated in Xs] [('a', 100), ('b', 101)]"],
      );
      out.clear();
      const one = conn.execute(insert(counter).return_defaults(counter.c.qty), { label: "c" });
      expect(out.sql()[0]).toBe(
        `INSERT INTO counter (label, code) VALUES (${p("label")}, ${p("code")}) RETURNING ${q("counter", "id")}, ${q("counter", "qty")}`,
      );
      expect([...one.returned_defaults!]).toEqual([3, 7]);
      expect([...one.inserted_primary_key!]).toEqual([3]);
      out.clear();
      conn.execute(update(counter).where(counter.c.id.eq(1)).values({ label: "z" }));
      expect(out.sql()).toEqual([
        `UPDATE counter SET label=${p("label")}, touched=${p("touched")} WHERE counter.id = ${p("id_1")}`,
        pg ? "[generated in Xs] {'label': 'z', 'touched': 1, 'id_1': 1}" : "[generated in Xs] ('z', 1, 1)",
      ]);
    });
  });

  it("eager_defaults 'auto': the INSERT RETURNs the server defaults, the UPDATE's SQL onupdate is expired", () => {
    using session = new Session(setup());
    const obj = new Auto({ name: "kelp" });
    expect([obj.code, obj.qty]).toEqual([null, null]);
    session.add(obj);
    session.flush();
    expect(out.sql()[1]).toBe(
      `INSERT INTO item_auto (name, code, touched) VALUES (${p("name")}, ${p("code")}, ${p("touched")}) RETURNING ${q("item_auto", "id")}, ${q("item_auto", "qty")}, ${q("item_auto", "revision")}`,
    );
    expect(loaded(obj)).toEqual(["code", "id", "name", "qty", "revision", "touched"]);
    expect([obj.code, obj.qty, obj.revision, obj.touched]).toEqual([100, 0, 1, 0]);
    obj.name = "coral";
    out.clear();
    session.flush();
    expect(out.sql()[0]).toBe(
      `UPDATE item_auto SET name=${p("name")}, revision=revision + 1, touched=${p("touched")} WHERE item_auto.id = ${p("item_auto_id")}`,
    );
    expect(loaded(obj)).toEqual(["code", "id", "name", "qty", "touched"]);
    out.clear();
    expect([obj.revision, obj.touched]).toEqual([2, 1]);
    expect(out.sql()[0]).toBe(
      `SELECT item_auto.revision AS item_auto_revision \nFROM item_auto \nWHERE item_auto.id = ${p("pk_1")}`,
    );
  });

  it("eager_defaults true: the UPDATE RETURNs the SQL onupdate value too", () => {
    using session = new Session(setup());
    const obj = new Eager({ name: "kelp" });
    session.add(obj);
    session.flush();
    obj.name = "coral";
    out.clear();
    session.flush();
    expect(out.sql()[0]).toBe(
      `UPDATE item_eager SET name=${p("name")}, revision=revision + 1, touched=${p("touched")} WHERE item_eager.id = ${p("item_eager_id")} RETURNING ${q("item_eager", "revision")}`,
    );
    out.clear();
    expect([obj.revision, obj.touched]).toEqual([2, 1]);
    expect(out.sql()).toEqual([]);
  });

  it("eager_defaults false: server defaults are expired after the INSERT and loaded together on access", () => {
    using session = new Session(setup());
    const obj = new Lazy({ name: "kelp" });
    session.add(obj);
    session.flush();
    expect(out.sql()[1]).toBe(
      `INSERT INTO item_lazy (name, code, touched) VALUES (${p("name")}, ${p("code")}, ${p("touched")})${pg ? " RETURNING item_lazy.id" : ""}`,
    );
    expect(loaded(obj)).toEqual(["code", "id", "name", "touched"]);
    out.clear();
    expect([obj.qty, obj.revision]).toEqual([0, 1]);
    expect(out.sql()[0]).toBe(
      `SELECT item_lazy.qty AS item_lazy_qty, item_lazy.revision AS item_lazy_revision \nFROM item_lazy \nWHERE item_lazy.id = ${p("pk_1")}`,
    );
  });

  it("explicit values win: no default is computed and nothing is fetched", () => {
    using session = new Session(setup());
    const obj = new Auto({ name: "given", code: 1, qty: 5, revision: 9 });
    session.add(obj);
    session.flush();
    expect(out.sql()[1]).toBe(
      `INSERT INTO item_auto (name, code, qty, revision, touched) VALUES (${p("name")}, ${p("code")}, ${p("qty")}, ${p("revision")}, ${p("touched")})${pg ? " RETURNING item_auto.id" : ""}`,
    );
    expect(next_code).toBe(100);
    expect([obj.code, obj.qty, obj.revision, obj.touched]).toEqual([1, 5, 9, 0]);
  });

  it("several new objects in one flush each get their own callable default and server defaults", () => {
    using session = new Session(setup());
    const objs = [new Auto({ name: "a" }), new Auto({ name: "b" })];
    session.add_all(objs);
    session.flush();
    expect(objs.map((o) => [o.id, o.code, o.qty, o.revision])).toEqual([
      [1, 100, 0, 1],
      [2, 101, 0, 1],
    ]);
  });
});
