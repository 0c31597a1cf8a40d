/**
 * The compile-only dialects `sqlalchemy/dialects/mysql` and `sqlalchemy/dialects/oracle`: what
 * SQLAlchemy 2.0 renders for them (the Unified Tutorial's data_select.rst / data_update.rst, and the
 * templates of dialects/mysql/base.py MySQLCompiler and dialects/oracle/base.py OracleCompiler),
 * and a clear error for what this port does not render for them. No database is involved: these
 * dialects connect to nothing.
 */
import {
  bindparam,
  Column,
  CreateTable,
  cast,
  DateTime,
  delete as delete_,
  Float,
  ForeignKey,
  func,
  Integer,
  insert,
  JSON as JSONType,
  literal,
  MetaData,
  String as StringType,
  select,
  Table,
  true_,
  type_coerce,
  update,
} from "sqlalchemy";
import * as mysql from "sqlalchemy/dialects/mysql";
import * as oracle from "sqlalchemy/dialects/oracle";
import { CompileError, SAWarning, UnsupportedCompilationError } from "sqlalchemy/exc";
import { warnings } from "sqlalchemy/testing";
import { afterEach, describe, expect, it } from "vitest";

function tables() {
  const m = new MetaData();
  const user_table = new Table(
    "user_account",
    m,
    new Column("id", Integer, { primary_key: true }),
    new Column("name", StringType(30)),
    new Column("fullname", StringType),
  );
  const address_table = new Table(
    "address",
    m,
    new Column("id", Integer, { primary_key: true }),
    new Column("user_id", new ForeignKey("user_account.id"), { nullable: false }),
    new Column("email_address", StringType, { nullable: false }),
  );
  return { user_table, address_table };
}

describe("mysql (mysqldb: paramstyle format)", () => {
  afterEach(() => warnings.resetwarnings());
  const dialect = new mysql.dialect();
  const sql = (stmt: { compile(o: object): { toString(): string } }) => stmt.compile({ dialect }).toString();

  it("multiple-table UPDATE and DELETE as data_update.rst shows them", () => {
    const { user_table, address_table } = tables();
    const update_stmt = update(user_table)
      .where(user_table.c.id.eq(address_table.c.user_id))
      .where(address_table.c.email_address.eq("patrick@aol.com"))
      .values(
        new Map<unknown, unknown>([
          [user_table.c.fullname, "Pat"],
          [address_table.c.email_address, "pat@aol.com"],
        ]),
      );
    const compiled = update_stmt.compile({ dialect });
    expect(compiled.toString()).toBe(
      "UPDATE user_account, address SET address.email_address=%s, user_account.fullname=%s WHERE user_account.id = address.user_id AND address.email_address = %s",
    );
    // the other table's column is bound as <table>_<column> (crud's _col_bind_name)
    expect(compiled.params).toEqual({
      address_email_address: "pat@aol.com",
      fullname: "Pat",
      email_address_1: "patrick@aol.com",
    });
    // a backend without a multiple-table SET says so
    expect(() => update_stmt.toString()).toThrow(CompileError);
    expect(() => update_stmt.toString()).toThrow(
      "Backend does not support additional tables in the SET clause; cannot include columns from table(s) 'address' in SET clause",
    );
    const delete_stmt = delete_(user_table)
      .where(user_table.c.id.eq(address_table.c.user_id))
      .where(address_table.c.email_address.eq("patrick@aol.com"));
    expect(sql(delete_stmt)).toBe(
      "DELETE FROM user_account USING user_account, address WHERE user_account.id = address.user_id AND address.email_address = %s",
    );
  });

  it("JSON elements are JSON_EXTRACT; read as a type, JSON null becomes NULL", () => {
    const s = select(type_coerce({ some_key: { foo: "bar" } }, JSONType).getitem("some_key"));
    expect(sql(s)).toBe("SELECT JSON_EXTRACT(%s, %s) AS anon_1");
    const m = new MetaData();
    const t = new Table("t", m, new Column("data", JSONType));
    const c = select(t.c.data.getitem("n").as_integer()).compile({ dialect });
    expect(c.toString()).toBe(
      "SELECT CASE JSON_EXTRACT(t.data, %s) WHEN 'null' THEN NULL ELSE CAST(JSON_EXTRACT(t.data, %s) AS SIGNED INTEGER) END AS anon_1 \nFROM t",
    );
    expect(sql(select(t.c.data.getitem(["a", 1]).as_string()))).toBe(
      "SELECT CASE JSON_EXTRACT(t.data, %s) WHEN 'null' THEN NULL ELSE JSON_UNQUOTE(JSON_EXTRACT(t.data, %s)) END AS anon_1 \nFROM t",
    );
  });

  it("backquotes reserved and mixed-case names; || is concat(); LIKE patterns double %", () => {
    const m = new MetaData();
    const t = new Table("order", m, new Column("key", Integer), new Column("UserName", StringType));
    expect(sql(select(t.c.key, t.c.UserName.concat("x")))).toBe(
      "SELECT `order`.`key`, concat(`order`.`UserName`, %s) AS anon_1 \nFROM `order`",
    );
    const lit = select(literal("it's a\\b")).compile({ dialect, compile_kwargs: { literal_binds: true } });
    expect(lit.toString()).toBe("SELECT 'it''s a\\\\b' AS anon_1");
    expect(sql(select(t.c.key).where(t.c.UserName.contains("a")))).toBe(
      "SELECT `order`.`key` \nFROM `order` \nWHERE `order`.`UserName` LIKE concat(concat('%%', %s), '%%')",
    );
  });

  it("INNER JOIN, LIMIT offset, limit, FROM DUAL only with a WHERE", () => {
    const { user_table, address_table } = tables();
    expect(sql(select(user_table.c.name).join_from(user_table, address_table).limit(3).offset(1))).toBe(
      "SELECT user_account.name \nFROM user_account INNER JOIN address ON user_account.id = address.user_id \n LIMIT %s, %s",
    );
    expect(sql(select(user_table.c.name).offset(5))).toBe(
      "SELECT user_account.name \nFROM user_account \n LIMIT %s, 18446744073709551615",
    );
    expect(sql(select(func.now()))).toBe("SELECT now() AS now_1");
    expect(sql(select(func.now()).where(true_()))).toBe("SELECT now() AS now_1 FROM DUAL \nWHERE true");
  });

  it("CASTs to MySQL's cast types; a type MySQL cannot cast to is left out with a warning", () => {
    const { user_table } = tables();
    expect(sql(select(cast(user_table.c.id, StringType), cast(user_table.c.name, Integer)))).toBe(
      "SELECT CAST(user_account.id AS CHAR) AS id, CAST(user_account.name AS SIGNED INTEGER) AS name \nFROM user_account",
    );
    using ctx = warnings.catch_warnings({ record: true });
    warnings.simplefilter("always");
    expect(sql(select(cast(user_table.c.id.add(1), Float)))).toBe(
      "SELECT (user_account.id + %s) AS anon_1 \nFROM user_account",
    );
    expect(ctx.log!.map((w) => [w.category, (w.message as Error).message])).toEqual([
      [SAWarning, "Datatype FLOAT does not support CAST on MySQL/MariaDb; the CAST will be skipped."],
    ]);
  });

  it("aggregate_strings() is group_concat(x SEPARATOR sep); DDL is not rendered", () => {
    const { user_table } = tables();
    expect(sql(select(func.aggregate_strings(user_table.c.name, ",")))).toBe(
      "SELECT group_concat(user_account.name SEPARATOR %s) AS aggregate_strings_1 \nFROM user_account",
    );
    expect(() => sql(CreateTable(user_table))).toThrow(
      "DDL for the mysql dialect is not rendered by this port (compile-only dialect)",
    );
  });
});

describe("oracle (cx_oracle: paramstyle named)", () => {
  const dialect = new oracle.dialect();
  const sql = (stmt: { compile(o: object): { toString(): string } }) => stmt.compile({ dialect }).toString();

  it("now() and column_valued() as data_select.rst shows them", () => {
    expect(sql(select(func.now()))).toBe("SELECT CURRENT_TIMESTAMP AS now_1 FROM DUAL");
    expect(sql(select(func.scalar_strings(5).column_valued("s")))).toBe(
      "SELECT s.COLUMN_VALUE \nFROM TABLE (scalar_strings(:scalar_strings_1)) s",
    );
  });

  it("aliases take no AS; EXCEPT is MINUS; % is mod(); reserved names and binds are quoted", () => {
    const { user_table } = tables();
    const subq = select(user_table.c.id)
      .where(user_table.c.name.eq(bindparam("uid")))
      .subquery();
    expect(sql(select(subq.c.id))).toBe(
      'SELECT anon_1.id \nFROM (SELECT user_account.id AS id \nFROM user_account \nWHERE user_account.name = :"uid") anon_1',
    );
    expect(sql(select(user_table.c.id).except_(select(user_table.c.id.mod(2))))).toBe(
      "SELECT user_account.id \nFROM user_account MINUS SELECT mod(user_account.id, :id_1) AS anon_1 \nFROM user_account",
    );
    const m = new MetaData();
    const t = new Table("level", m, new Column("Name", StringType(20)));
    expect(sql(select(t.c.Name))).toBe('SELECT "level"."Name" \nFROM "level"');
  });

  it("Oracle's functions and type names", () => {
    const { user_table } = tables();
    expect(
      sql(select(func.char_length(user_table.c.name), func.aggregate_strings(user_table.c.name, ","))),
    ).toBe(
      "SELECT LENGTH(user_account.name) AS char_length_1, LISTAGG(user_account.name, :aggregate_strings_2) AS aggregate_strings_1 \nFROM user_account",
    );
    expect(sql(select(cast(user_table.c.id, StringType(30)), cast(user_table.c.name, DateTime)))).toBe(
      "SELECT CAST(user_account.id AS VARCHAR2(30 CHAR)) AS id, CAST(user_account.name AS DATE) AS name \nFROM user_account",
    );
  });

  it("RETURNING hands values back INTO out-parameters, for an INSERT's new key too", () => {
    const { user_table } = tables();
    const c = insert(user_table).values({ name: "x" }).compile({ dialect });
    expect(c.toString()).toBe(
      "INSERT INTO user_account (name) VALUES (:name) RETURNING user_account.id INTO :ret_0",
    );
    expect(c.params).toEqual({ name: "x", ret_0: null });
    expect(
      sql(update(user_table).values({ fullname: "y" }).returning(user_table.c.id, user_table.c.name)),
    ).toBe(
      "UPDATE user_account SET fullname=:fullname RETURNING user_account.id, user_account.name INTO :ret_0, :ret_1",
    );
  });

  it("what the port does not render for Oracle raises", () => {
    const { user_table } = tables();
    expect(() => sql(select(user_table.c.id).limit(3))).toThrow(
      "LIMIT / OFFSET (FETCH FIRST … ROWS ONLY) for the oracle dialect is not rendered by this port (compile-only dialect)",
    );
    const m = new MetaData();
    const t = new Table("t", m, new Column("data", JSONType));
    expect(() => sql(select(t.c.data.getitem("a")))).toThrow(UnsupportedCompilationError);
    expect(() => sql(CreateTable(user_table))).toThrow(
      "DDL for the oracle dialect is not rendered by this port",
    );
  });
});
