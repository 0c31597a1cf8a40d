/**
 * Python's `sqlite3` module (pysqlite) over sql.js: paramstyle `qmark`, one statement per execute(),
 * a transaction opened by the first DML statement (legacy transaction control, as SQLAlchemy's
 * pysqlite dialect sees it), values and errors as Python's module gives them.
 */
import type { Database } from "sql.js";
import { Connection, type DriverHooks } from "../../connectors/dbapi.ts";
import { SharedSession } from "../../connectors/shared_session.ts";
import type { ConnectArgs, DBAPIModule, DBAPIParameters } from "../../engine/interfaces.ts";
import { date, datetime, Decimal } from "../../util/pytypes.ts";
import { OperationalError, ProgrammingError } from "./errors.ts";
import { SqljsSession } from "./physical.ts";
import { isMemoryDatabase, newMemoryDatabase, onSqliteReset, openFile, resolveFile } from "./runtime.ts";

const shared = new WeakMap<Database, SharedSession>();
onSqliteReset(() => {
  // files are gone; their sessions go with their Database objects
});

function sessionFor(db: Database): SharedSession {
  let s = shared.get(db);
  if (!s) {
    s = new SharedSession(new SqljsSession(db), (message) => new OperationalError(`database is locked: ${message}`));
    shared.set(db, s);
  }
  return s;
}

/** pysqlite's adaptation of Python values to SQLite values. */
export function adaptValue(value: unknown, index: number): unknown {
  if (value === undefined || value === null) return null;
  switch (typeof value) {
    case "number":
    case "string":
      return value;
    case "boolean":
      return value ? 1 : 0;
    case "bigint":
      return Number(value);
  }
  if (value instanceof Uint8Array) return value;
  if (value instanceof datetime) return value.isoformat(" ");
  if (value instanceof date) return value.isoformat();
  if (value instanceof Date) return datetime.fromDate(value).isoformat(" ");
  const typeName =
    value instanceof Decimal ? "Decimal" : ((value as object).constructor?.name ?? "object").replace(/^Array$/, "list").replace(/^Object$/, "dict");
  throw new ProgrammingError(`Error binding parameter ${index}: type '${typeName}' is not supported`);
}

/** Number of `?` placeholders outside string literals and comments. */
function countPlaceholders(sql: string): number {
  let n = 0;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const q = c;
      i++;
      while (i < sql.length && sql[i] !== q) i++;
    } else if (c === "-" && sql[i + 1] === "-") {
      while (i < sql.length && sql[i] !== "\n") i++;
    } else if (c === "?") n++;
  }
  return n;
}

const MULTI = /;\s*\S/;

function bindParameters(sql: string, params: DBAPIParameters | undefined): unknown[] | Record<string, unknown> | undefined {
  if (params === undefined) {
    const uses = countPlaceholders(sql);
    if (uses > 0) {
      throw new ProgrammingError(`Incorrect number of bindings supplied. The current statement uses ${uses}, and there are 0 supplied.`);
    }
    return undefined;
  }
  if (Array.isArray(params)) {
    const uses = countPlaceholders(sql);
    if (uses !== params.length) {
      throw new ProgrammingError(
        `Incorrect number of bindings supplied. The current statement uses ${uses}, and there are ${params.length} supplied.`,
      );
    }
    return params.map((v, i) => adaptValue(v, i + 1));
  }
  const out: Record<string, unknown> = {};
  let i = 0;
  for (const [k, v] of Object.entries(params)) out[`:${k}`] = adaptValue(v, ++i);
  return out;
}

function hooks(moduleName: string): DriverHooks {
  return {
    select_rowcount: "minus_one",
    execute(session, operation, parameters) {
      if (MULTI.test(operation.replace(/'(?:[^']|'')*'/g, "''").trim().replace(/;\s*$/, ""))) {
        throw new ProgrammingError("You can only execute one statement at a time.");
      }
      return session.execute(operation, bindParameters(operation, parameters) as DBAPIParameters | undefined);
    },
    closedError(what) {
      return new ProgrammingError(what === "cursor" ? "Cannot operate on a closed cursor." : "Cannot operate on a closed database.");
    },
    repr: () => `<${moduleName}.Connection object at 0x7f${Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, "0")}0>`,
  };
}

export function connectSqlite(args: ConnectArgs, moduleName: string): Connection {
  const name = args.database ?? ":memory:";
  let db: Database;
  if (isMemoryDatabase(name)) {
    db = newMemoryDatabase();
  } else {
    const file = resolveFile(name);
    if (file === null) throw new OperationalError("unable to open database file");
    db = openFile(file).db;
  }
  return new Connection(sessionFor(db).open(), hooks(moduleName));
}

export const sqlite3: DBAPIModule = {
  name: "sqlite3",
  paramstyle: "qmark",
  connect: (args) => connectSqlite(args, "sqlite3"),
};
