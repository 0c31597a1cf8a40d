/**
 * Column defaults in the ORM: Python default= (scalar and callable), server_default=, onupdate=
 * (Python and SQL), and when the values are known after flush under eager_defaults "auto"
 * (default), True and False.
 *
 * Python defaults are applied at flush, not at construction. Server-generated values come back
 * through RETURNING when eager_defaults fetches them; otherwise they are expired and the next access
 * SELECTs them. Callable defaults use counters so the values are deterministic.
 */
import { create_engine, Integer, literal_column, repr, String } from "sqlalchemy";
import { DeclarativeBase, mapped_column, Session } from "sqlalchemy/orm";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

/** Python's `itertools.count(start)`. */
function* count(start: number): Generator<number, never> {
  for (let n = start; ; n++) yield n;
}
const codes = count(100);
const ticks = count(1);

class Base extends DeclarativeBase {}

/** The mixin's columns: an unmapped class between the base and the mapped classes. */
class Columns extends Base {
  static __abstract__ = true; // a mixin: TypeScript has one base class, so the columns sit on an abstract base
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(String(20)) accessor name!: string;
  @mapped_column(String(10), { default: "new" }) accessor status!: string;
  @mapped_column(Integer, { default: () => codes.next().value }) accessor code!: number;
  @mapped_column(Integer, { server_default: "0" }) accessor qty!: number;
  @mapped_column(Integer, { server_default: "1", onupdate: literal_column("revision + 1") })
  accessor revision!: number;
  @mapped_column(Integer, { default: 0, onupdate: () => ticks.next().value }) accessor touched!: number;
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

function in_dict(obj: object): string[] {
  return Object.keys((obj as any).__dict__)
    .filter((k) => !k.startsWith("_"))
    .sort();
}

const engine = create_engine(URL, { echo: true });
Base.metadata.create_all(engine);

{
  using session = new Session(engine);
  for (const cls of [Auto, Eager, Lazy]) {
    print(
      `######## ${(cls as any).__name__}: eager_defaults=${repr((cls as any).__mapper__.eager_defaults)}`,
    );
    const obj = new cls({ name: "kelp" });
    print("before flush: status =", obj.status, "| qty =", obj.qty);
    session.add(obj);
    session.flush();
    print("after INSERT, in __dict__:", in_dict(obj));
    print("values:", obj.status, obj.code, obj.qty, obj.revision, obj.touched);
    obj.name = "coral";
    session.flush();
    print("after UPDATE, in __dict__:", in_dict(obj));
    print("revision:", obj.revision, "| touched:", obj.touched);
  }

  print("######## explicit values win over every default");
  const obj = new Auto({ name: "given", status: "old", code: 1, qty: 5, revision: 9 });
  session.add(obj);
  session.flush();
  print("values:", obj.status, obj.code, obj.qty, obj.revision, obj.touched);
  session.commit();
}
