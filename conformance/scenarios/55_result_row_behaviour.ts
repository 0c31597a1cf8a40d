/**
 * Row behaves like a named tuple: equality with tuples, hashing, count()/index() (unless a column has
 * that name), slicing, and refuses assignment; repr of CursorResult.
 *
 * Every caught error is printed as `!! module.Class: message`; the messages for setting/deleting an
 * attribute and for item assignment are CPython's and SQLAlchemy's own wording.
 *
 * JavaScript's Set and Map key by identity, Python's set and dict by hash() and ==: the port keys
 * them by hash(). `row < other` is `row.__lt__(other)`, `del row.name` is `row.__delattr__("name")`.
 */
import {
  Column,
  create_engine,
  func,
  hash,
  Integer,
  insert,
  literal,
  MetaData,
  type Row,
  repr,
  String,
  select,
  str,
  Table,
  tuple,
} from "sqlalchemy";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

const engine = create_engine(URL, { echo: true });
const m = new MetaData();
const users = new Table(
  "user_account",
  m,
  new Column("id", Integer, { primary_key: true }),
  new Column("name", String(30)),
);
m.create_all(engine);
engine.begin((conn) => {
  conn.execute(insert(users), [{ name: "spongebob" }, { name: "sandy" }, { name: "spongebob" }]);
});

function attempt(label: string, fn: () => unknown): void {
  print(label);
  try {
    fn();
  } catch (err: any) {
    print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
  }
}

/** Python's sorted(): tuples compare item by item. */
function sorted(rows: Iterable<Row>, reverse = false): Row[] {
  const order = reverse ? -1 : 1;
  return [...rows].sort((a, b) => (a.__lt__(b) ? -order : b.__lt__(a) ? order : 0));
}

/** Python's set(): one member per hash() (rows and tuples hash by their values). */
function set(rows: Iterable<Row>): Map<number, Row> {
  return new Map([...rows].map((r) => [hash(r), r]));
}

{
  using conn = engine.connect();
  const result = conn.execute(select(users.c.id, users.c.name).order_by(users.c.id));
  print("## CursorResult");
  print(repr(result), "| keys:", result.keys());
  const rows = result.all();
  const row = rows[0]!;
  print("## a Row");
  print(repr(row), "| type:", row.constructor.name, "| _fields:", row._fields, "| _asdict():", row._asdict());
  print("len:", row.length, "| row[-1]:", row[-1], "| row[0:1]:", row.slice(0, 1), "| list:", [...row]);
  print(
    "'spongebob' in row:",
    row.includes("spongebob"),
    "| 'name' in row:",
    row.includes("name"),
    "| 'name' in row._mapping:",
    row._mapping.has("name"),
  );

  print("## equality and ordering");
  print("row == (1, 'spongebob'):", row.equals(tuple([1, "spongebob"])));
  print("row == [1, 'spongebob']:", row.equals([1, "spongebob"]));
  print(
    "row == same values fetched again:",
    row.equals(conn.execute(select(users.c.id, users.c.name).where(users.c.id.eq(1))).one()),
  );
  print("row < rows[1]:", row.__lt__(rows[1]!), "| sorted desc:", sorted(rows, true));

  print("## hashing: rows work as set members and dict keys, like tuples");
  print("hash(row) == hash((1, 'spongebob')):", hash(row) === hash(tuple([1, "spongebob"])));
  print("set of rows + same rows again:", new Map([...set(rows), ...set(rows)]).size);
  const names = conn.execute(select(users.c.name).order_by(users.c.id)).all();
  print("distinct name rows:", sorted(set(names).values()));
  print("dict lookup with a tuple key:", new Map([[hash(row), "first"]]).get(hash(tuple([1, "spongebob"]))));

  print("## tuple methods count() and index()");
  print(
    "row.count('spongebob'):",
    row.count("spongebob"),
    "| row.index('spongebob'):",
    row.index("spongebob"),
  );
  const named = conn
    .execute(select(func.count().label("count"), literal(7).label("index")).select_from(users))
    .one();
  print(
    "columns named count/index win:",
    named.count,
    named.index,
    "| _mapping:",
    Object.fromEntries(named._mapping.items()),
  );

  print("## a Row cannot be changed");

  // a Row's attributes are read-only in its type too: the casts let the script try anyway
  const set_attr = () => {
    (row as any).name = "x";
  };
  const set_item = () => {
    (row as any)[0] = 99;
  };
  const del_attr = () => {
    row.__delattr__("name");
  };
  const set_mapping = () => {
    (row._mapping as any).name = "x";
  };

  attempt("row.name = 'x'", set_attr);
  attempt("row[0] = 99", set_item);
  attempt("del row.name", del_attr);
  attempt("row._mapping['name'] = 'x'", set_mapping);
  attempt("row.nope", () => row.nope);
  attempt("row._mapping['nope']", () => row._mapping.nope);
  attempt("row[5]", () => row[5]);
}
