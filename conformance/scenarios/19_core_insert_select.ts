/**
 * Core insert(table) single row and executemany; select(table).where(); str() of statements.
 *
 * Shows the SQL each construct renders to, the parameters in the echo log, inserted_primary_key and
 * RETURNING.
 */
import {
  Column,
  create_engine,
  ForeignKey,
  Integer,
  insert,
  MetaData,
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
const user_table = new Table(
  "user_account",
  metadata_obj,
  new Column("id", Integer, { primary_key: true }),
  new Column("name", String(30)),
  new Column("fullname", String),
);
const address_table = new Table(
  "address",
  metadata_obj,
  new Column("id", Integer, { primary_key: true }),
  new Column("user_id", ForeignKey("user_account.id"), { nullable: false }),
  new Column("email_address", String, { nullable: false }),
);
metadata_obj.create_all(engine);

print("## insert().values(): one row");
let stmt: any = insert(user_table).values({ name: "spongebob", fullname: "Spongebob Squarepants" });
print("str(stmt):", stmt);
print("compiled params:", stmt.compile().params);
{
  using conn = engine.connect();
  const result = conn.execute(stmt);
  print("inserted_primary_key:", result.inserted_primary_key);
  conn.commit();
}

print("## insert(table) + list of dicts: executemany");
{
  using conn = engine.connect();
  const result = conn.execute(insert(user_table), [
    { name: "sandy", fullname: "Sandy Cheeks" },
    { name: "patrick", fullname: "Patrick Star" },
  ]);
  print("rowcount:", result.rowcount);
  conn.commit();
}

print("## executemany with RETURNING");
engine.begin((conn) => {
  const result = conn.execute(
    insert(address_table).returning(address_table.c.id, address_table.c.email_address),
    [
      { user_id: 1, email_address: "spongebob@sqlalchemy.org" },
      { user_id: 2, email_address: "sandy@sqlalchemy.org" },
      { user_id: 2, email_address: "sandy@squirrelpower.org" },
    ],
  );
  print("returned:", result.all());
});

print("## select(table).where()");
stmt = select(user_table).where(user_table.c.name.eq("spongebob"));
print("str(stmt):");
print(stmt);
{
  using conn = engine.connect();
  for (const row of conn.execute(stmt)) {
    print(row);
  }
}

print("## select columns, join, order_by");
stmt = select(user_table.c.name, address_table.c.email_address)
  .join_from(user_table, address_table)
  .where(user_table.c.name.in_(["sandy", "patrick"]))
  .order_by(address_table.c.id);
print(stmt);
{
  using conn = engine.connect();
  print(conn.execute(stmt).all());
}

print("## the same select run twice is cached");
{
  using conn = engine.connect();
  print(conn.execute(select(user_table.c.name).where(user_table.c.id.eq(2))).scalar_one());
  print(conn.execute(select(user_table.c.name).where(user_table.c.id.eq(3))).scalar_one());
}
