/**
 * Result errors: all() after first(), one() with 0 or many rows, scalar_one(), closed results.
 *
 * first() consumes and closes the result; one()/scalar_one() raise NoResultFound / MultipleResultsFound.
 */
import { create_engine, str, text } from "sqlalchemy";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

function show_error(err: any): void {
  print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
}

const engine = create_engine(URL, { echo: true });

engine.begin((conn) => {
  conn.execute(text("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(30))"));
  conn.execute(text("INSERT INTO users (id, name) VALUES (:id, :name)"), [
    { id: 1, name: "spongebob" },
    { id: 2, name: "sandy" },
  ]);
});

const ALL = text("SELECT id, name FROM users ORDER BY id");
const NONE = text("SELECT id, name FROM users WHERE id = 99");

// Python's `with engine.connect() as conn:` leaves `conn` and `res` bound after the block
let conn: ReturnType<typeof engine.connect>;
let res: ReturnType<typeof conn.execute>;
{
  using c = engine.connect();
  conn = c;
  print("## all() after first()");
  res = conn.execute(ALL);
  print("first():", res.first());
  print("closed:", res.closed);
  try {
    print("all():", res.all());
  } catch (err) {
    show_error(err);
  }

  print("## all() twice");
  res = conn.execute(ALL);
  print("all():", res.all());
  print("closed:", res.closed);
  print("all() again:", res.all());

  print("## first() twice");
  res = conn.execute(ALL);
  print("first():", res.first());
  try {
    print("first() again:", res.first());
  } catch (err) {
    show_error(err);
  }

  print("## one() with 0 rows");
  try {
    conn.execute(NONE).one();
  } catch (err) {
    show_error(err);
  }

  print("## one() with 2 rows");
  try {
    conn.execute(ALL).one();
  } catch (err) {
    show_error(err);
  }

  print("## one_or_none() with 2 rows");
  try {
    conn.execute(ALL).one_or_none();
  } catch (err) {
    show_error(err);
  }

  print("## scalar_one() with 0 rows");
  try {
    conn.execute(NONE).scalar_one();
  } catch (err) {
    show_error(err);
  }

  print("## scalar_one() with 2 rows");
  try {
    conn.execute(ALL).scalar_one();
  } catch (err) {
    show_error(err);
  }

  print("## scalars().one() with 0 rows");
  try {
    conn.execute(NONE).scalars().one();
  } catch (err) {
    show_error(err);
  }

  print("## row attribute that does not exist");
  const row: any = conn.execute(ALL).first();
  try {
    print(row.nope);
  } catch (err) {
    show_error(err);
  }
  try {
    print(row._mapping["nope"]);
  } catch (err) {
    show_error(err);
  }
  try {
    print(row[5]);
  } catch (err) {
    show_error(err);
  }

  print("## result used after its connection is closed");
  res = conn.execute(ALL);
}

print("after connection close, fetchall():");
try {
  print(res.fetchall());
} catch (err) {
  show_error(err);
}

print("## execute() on a closed connection");
try {
  conn.execute(ALL);
} catch (err) {
  show_error(err);
}
