/**
 * Core vs ORM, same task, counted: create the table, insert 3 rows, print every row.
 *
 * Statements are counted with the before_cursor_execute event (one per cursor.execute()/executemany()
 * call); BEGIN/COMMIT are counted separately with the engine's begin/commit events.
 */
import {
  Column,
  create_engine,
  event,
  Integer,
  insert,
  MetaData,
  repr,
  String,
  select,
  Table,
} from "sqlalchemy";
import { DeclarativeBase, mapped_column, Session } from "sqlalchemy/orm";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

const engine = create_engine(URL, { echo: true });
const counts: Record<string, number> = { statements: 0, begin: 0, commit: 0, rollback: 0 };

event.listens_for(
  engine,
  "before_cursor_execute",
)(function _count_stmt(
  _conn: unknown,
  _cursor: unknown,
  _statement: unknown,
  _parameters: unknown,
  _context: unknown,
  _executemany: unknown,
) {
  counts.statements += 1;
});

event.listens_for(
  engine,
  "begin",
)(function _count_begin(_conn: unknown) {
  counts.begin += 1;
});

event.listens_for(
  engine,
  "commit",
)(function _count_commit(_conn: unknown) {
  counts.commit += 1;
});

event.listens_for(
  engine,
  "rollback",
)(function _count_rollback(_conn: unknown) {
  counts.rollback += 1;
});

function report(label: string): void {
  print(`COUNT ${label}: ${repr(counts)}`);
  for (const k of Object.keys(counts)) {
    counts[k] = 0;
  }
}

// warm up the connection so first-connect queries are not counted
{
  using _conn = engine.connect();
}
report("warm-up connect");

const DATA = [
  { name: "spongebob", fullname: "Spongebob Squarepants" },
  { name: "sandy", fullname: "Sandy Cheeks" },
  { name: "patrick", fullname: "Patrick Star" },
];

print("######## Core");
const metadata_obj = new MetaData();
const core_users = new Table(
  "core_user",
  metadata_obj,
  new Column("id", Integer, { primary_key: true }),
  new Column("name", String(30)),
  new Column("fullname", String),
);
metadata_obj.create_all(engine);
report("core create_all");

engine.begin((conn) => {
  conn.execute(insert(core_users), DATA);
});
report("core insert 3 rows");

{
  using conn = engine.connect();
  for (const row of conn.execute(select(core_users).order_by(core_users.c.id))) {
    print(row);
  }
}
report("core select all");

print("######## ORM");

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "orm_user";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String(30)) accessor name!: string;
  @mapped_column(String, { nullable: true }) accessor fullname!: string | null;

  __repr__(): string {
    return `User(id=${repr(this.id)}, name=${repr(this.name)}, fullname=${repr(this.fullname)})`;
  }
}

Base.metadata.create_all(engine);
report("orm create_all");

{
  using session = new Session(engine);
  const users = DATA.map((d) => new User({ ...d }));
  session.add_all(users);
  session.commit();
  report("orm add_all + commit");

  print("## printing the same objects after commit (expired by expire_on_commit)");
  for (const u of users) {
    print(u);
  }
}
report("orm print 3 expired objects, then close the session");

{
  using session = new Session(engine);
  for (const u of session.scalars(select(User).order_by(User.id))) {
    print(u);
  }
}
report("orm select(User) in a new session");
