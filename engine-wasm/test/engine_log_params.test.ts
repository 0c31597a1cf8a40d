/**
 * The parameters line of the echo log and of error messages, as SQLAlchemy's `_repr_params` writes
 * it (sqlalchemy/sql/util.py): a set of more than 100 parameters shows its first and last 50 with
 * `... N parameters truncated ...`, a value whose repr is longer than 300 characters keeps 150 at each
 * end with `... (N characters truncated) ...`, an executemany of more than 10 sets shows 8 and 2; an
 * insertmanyvalues statement longer than 500 characters is logged as its first 250 and last 100
 * (`sql.util._long_statement`), while the database and the listeners get all of it.
 */
import { Column, create_engine, event, Integer, insert, MetaData, Table, text } from "sqlalchemy";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

eachDatabase("parameters in the log", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";
  const paramsLine = () =>
    out
      .sql()
      .at(-1)!
      .replace(/^\[[^\]]*\] /, "");
  /** The parameters line of the INSERT statement logged last. */
  const insertParamsLine = () => {
    const lines = out.sql();
    const at = lines.findLastIndex((l) => l.startsWith("INSERT"));
    return lines[at + 1]!.replace(/^\[[^\]]*\] /, "");
  };

  it("a set of more than 100 parameters shows the first and last 50", () => {
    const engine = create_engine(url, { echo: true });
    using conn = engine.connect();
    const names = Array.from({ length: 101 }, (_, i) => `p${i}`);
    const values = Object.fromEntries(names.map((n, i) => [n, i]));
    const sum = conn.execute(text(`SELECT ${names.map((n) => `:${n}`).join(" + ")}`), values).scalar();
    expect(sum).toBe(5050);
    const first = names.slice(0, 50);
    const last = names.slice(51);
    expect(paramsLine()).toBe(
      pg
        ? `{${first.map((n) => `'${n}': ${n.slice(1)}`).join(", ")} ... 1 parameters truncated ... ${last
            .map((n) => `'${n}': ${n.slice(1)}`)
            .join(", ")}}`
        : `(${first.map((n) => n.slice(1)).join(", ")} ... 1 parameters truncated ... ${last
            .map((n) => n.slice(1))
            .join(", ")})`,
    );
  });

  it("a value longer than 300 characters keeps 150 at each end", () => {
    const engine = create_engine(url, { echo: true });
    using conn = engine.connect();
    const long = `${"a".repeat(200)}${"b".repeat(200)}`;
    expect(conn.execute(text("SELECT :s"), { s: long }).scalar()).toBe(long);
    // repr: 402 characters, 102 of them left out
    const trimmed = `'${"a".repeat(149)} ... (102 characters truncated) ... ${"b".repeat(149)}'`;
    expect(paramsLine()).toBe(pg ? `{'s': ${trimmed}}` : `(${trimmed},)`);
  });

  it("an error names at most 100 parameters of its set too", () => {
    const engine = create_engine(url);
    using conn = engine.connect();
    const names = Array.from({ length: 102 }, (_, i) => `p${i}`);
    const values = Object.fromEntries(names.map((n, i) => [n, i]));
    let message = "";
    try {
      conn.execute(text(`SELECT ${names.map((n) => `:${n}`).join(" + ")} FROM no_such_table`), values);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(
      pg ? "'p49': 49 ... 2 parameters truncated ... 'p52': 52" : "49 ... 2 parameters truncated ... 52",
    );
    expect(message).not.toContain(pg ? "'p50'" : " 50,");
  });

  it("an insertmanyvalues statement over 500 characters is logged as its first 250 and last 100", () => {
    const engine = create_engine(url);
    const metadata = new MetaData();
    const t = new Table(
      "t",
      metadata,
      new Column("id", Integer, { primary_key: true }),
      new Column("x", Integer),
    );
    metadata.create_all(engine);
    const executed: string[] = [];
    event.listen(engine, "before_cursor_execute", (_c, _cur, statement) => {
      executed.push(statement);
    });
    engine.echo = true;
    out.clear();
    const rows = Array.from({ length: 150 }, (_, i) => ({ x: i }));
    const ids = engine.begin((conn) => conn.execute(insert(t).returning(t.c.id), rows).scalars().all());
    expect(ids).toHaveLength(150);
    const values = rows.map((_, i) => (pg ? `(%(x__${i})s)` : "(?)")).join(", ");
    const full = `INSERT INTO t (x) VALUES ${values} RETURNING ${pg ? "t.id" : "id"}`;
    expect(executed).toEqual([full]);
    const logged = out.sql().filter((l) => l.startsWith("INSERT"));
    expect(logged).toEqual([
      `${full.slice(0, 250)} ... ${full.length - 350} characters truncated ... ${full.slice(-100)}`,
    ]);
    // the batch's 150 parameters: the first and last 50, in the order of the VALUES
    const first = Array.from({ length: 50 }, (_, i) => i);
    const last = Array.from({ length: 50 }, (_, i) => 100 + i);
    expect(insertParamsLine()).toBe(
      pg
        ? `{${first.map((i) => `'x__${i}': ${i}`).join(", ")} ... 50 parameters truncated ... ${last
            .map((i) => `'x__${i}': ${i}`)
            .join(", ")}}`
        : `(${first.join(", ")} ... 50 parameters truncated ... ${last.join(", ")})`,
    );
  });

  it("an insertmanyvalues batch of two columns lists its parameters row by row", () => {
    const engine = create_engine(url);
    const metadata = new MetaData();
    const t = new Table(
      "t2",
      metadata,
      new Column("id", Integer, { primary_key: true }),
      new Column("x", Integer),
      new Column("y", Integer),
    );
    metadata.create_all(engine);
    engine.echo = true;
    out.clear();
    const rows = Array.from({ length: 60 }, (_, i) => ({ x: i, y: 1000 + i }));
    engine.begin((conn) => conn.execute(insert(t).returning(t.c.id), rows).all());
    const names = rows.flatMap((_, i) => [`x__${i}`, `y__${i}`]);
    const value = (n: string) => String((n.startsWith("x") ? 0 : 1000) + Number(n.slice(3)));
    const shown = (ns: string[]) => ns.map((n) => (pg ? `'${n}': ${value(n)}` : value(n))).join(", ");
    const [open, close] = pg ? ["{", "}"] : ["(", ")"];
    expect(insertParamsLine()).toBe(
      `${open}${shown(names.slice(0, 50))} ... 20 parameters truncated ... ${shown(names.slice(-50))}${close}`,
    );
  });
});
