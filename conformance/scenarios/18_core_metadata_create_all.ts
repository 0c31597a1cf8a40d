/**
 * Core (imperative) schema: MetaData, Table, Column, ForeignKey; metadata.create_all() / drop_all() echo.
 *
 * create_all() first checks which tables exist, then emits CREATE TABLE in dependency order; a second
 * create_all() only checks.
 */
import {
  Column,
  CreateTable,
  create_engine,
  ForeignKey,
  Integer,
  MetaData,
  repr,
  String,
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

print("table:", user_table);
print("repr(table):", repr(user_table));
print("columns:", user_table.c.keys());
print("column:", user_table.c.name);
print("repr(column):", repr(user_table.c.name));
print("primary key:", user_table.primary_key);
print("foreign keys:", address_table.foreign_keys);
print(
  "sorted tables:",
  metadata_obj.sorted_tables.map((t) => t.name),
);
print("metadata.tables keys:", [...metadata_obj.tables.keys()]);

print("## CreateTable(...) compiled for this dialect");
print(new CreateTable(address_table).compile(engine));

print("## create_all()");
metadata_obj.create_all(engine);

print("## create_all() again: only existence checks");
metadata_obj.create_all(engine);

print("## drop_all()");
metadata_obj.drop_all(engine);
