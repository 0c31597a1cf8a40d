/**
 * Column operators: and_ / or_ / not_ and their parenthesisation, in_ / not_in (expanding, empty
 * lists), like / ilike / not_like, between, IS NULL, string concatenation and arithmetic.
 */
import {
  and_,
  Column,
  create_engine,
  Integer,
  insert,
  literal,
  MetaData,
  not_,
  or_,
  String,
  select,
  Table,
} from "sqlalchemy";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

const engine = create_engine(URL, { echo: true });
const metadata_obj = new MetaData();
const users = new Table(
  "users",
  metadata_obj,
  new Column("id", Integer, { primary_key: true }),
  new Column("name", String(30), { nullable: false }),
  new Column("nickname", String(30)),
  new Column("age", Integer),
);
metadata_obj.create_all(engine);
engine.begin((conn) => {
  conn.execute(insert(users), [
    { name: "spongebob", nickname: "Sponge", age: 20 },
    { name: "sandy", nickname: null, age: 25 },
    { name: "patrick", nickname: "Pat", age: 31 },
    { name: "Squidward", nickname: null, age: 40 },
  ]);
});

const CRITERIA: [string, any][] = [
  ["and_", and_(users.c.age.gt(20), users.c.age.lt(40))],
  ["or_", or_(users.c.name.eq("sandy"), users.c.nickname.eq("Pat"))],
  [
    "or_ inside and_ gets parentheses",
    and_(or_(users.c.age.lt(21), users.c.age.gt(35)), users.c.nickname.is_(null)),
  ],
  ["not_ of a comparison flips the operator", not_(users.c.name.eq("sandy"))],
  ["not_ of and_", not_(and_(users.c.age.gt(20), users.c.nickname.is_(null)))],
  ["in_ with a list", users.c.id.in_([1, 3])],
  ["not_in with a list", users.c.id.not_in([1, 3])],
  ["~ (inverted in_)", users.c.name.in_(["sandy", "patrick"]).not()],
  ["in_ with an empty list", users.c.id.in_([])],
  ["not_in with an empty list", users.c.id.not_in([])],
  ["like", users.c.name.like("s%")],
  ["ilike", users.c.name.ilike("s%")],
  ["not_like", users.c.name.not_like("%a%")],
  ["between", users.c.age.between(25, 31)],
  ["is_(None)", users.c.nickname.is_(null)],
  ["== None", users.c.nickname.eq(null)],
  ["is_not(None)", users.c.nickname.is_not(null)],
  ["!= None", users.c.nickname.ne(null)],
];

{
  using conn = engine.connect();
  for (const [label, criterion] of CRITERIA) {
    print(`## ${label}`);
    print("str:", criterion);
    const stmt = select(users.c.id).where(criterion).order_by(users.c.id);
    print("ids:", conn.execute(stmt).scalars().all());
  }

  print("## string concatenation: + on String columns renders ||");
  let expr: any = users.c.name.add(" (").add(users.c.nickname).add(")");
  print("str:", expr);
  print(
    conn
      .execute(select(expr.label("shown")).order_by(users.c.id))
      .scalars()
      .all(),
  );

  print("## a plain string or literal() on the left");
  const left_str = users.c.name.radd("Mr. ");
  const left_lit = literal("Dr. ").add(users.c.name);
  print("str:", left_str, "|", left_lit);
  print(conn.execute(select(left_str, left_lit).where(users.c.id.eq(3))).all());

  print("## + on Integer columns is arithmetic, not concatenation");
  expr = users.c.age.add(1);
  print("str:", expr);
  print(conn.execute(select(expr).where(users.c.id.eq(1))).scalar_one());
}
