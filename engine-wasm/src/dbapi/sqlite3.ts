/**
 * Python's `sqlite3` module (pysqlite) over sql.js: paramstyle `qmark`, one statement per execute(),
 * a transaction opened by the first DML statement (legacy transaction control, as SQLAlchemy's
 * pysqlite dialect uses it; DDL runs outside a transaction), values and errors as Python's module
 * gives them.
 *
 * A file database (`sqlite:///app.db`) is one sql.js Database shared by every connection that
 * names it, multiplexed by connectors/shared_session.ts; `:memory:` gives each connection its own
 * database, freed when the connection closes.
 */
import type { Database } from "sql.js";
import { Connection as DBAPIConnection, type DriverHooks } from "../connectors/dbapi.ts";
import { SharedSession } from "../connectors/shared_session.ts";
import type { ConnectArgs, DBAPIModule, DBAPIParameters } from "../engine/interfaces.ts";
import { OperationalError, ProgrammingError } from "./sqljs/errors.ts";
import { SqljsSession } from "./sqljs/physical.ts";
import {
  isMemoryDatabase,
  newMemoryDatabase,
  onSqliteReset,
  openFile,
  resolveFile,
  sqliteVersion,
} from "./sqljs/runtime.ts";
import { bindParameters, statementInfo } from "./sqljs/statement.ts";

export { adaptValue } from "./sqljs/statement.ts";

const sessions = new Map<Database, SharedSession>();
onSqliteReset(() => {
  // the files are deleted: connections still open on them now fail as on a closed database
  for (const s of sessions.values()) {
    s.settle_rowid();
    (s.physical as SqljsSession).close();
  }
  sessions.clear();
});

function newSharedSession(db: Database): SharedSession {
  return new SharedSession(
    new SqljsSession(db),
    (message) => new OperationalError(`database is locked: ${message}`),
  );
}

/** The one shared session of a file database. */
function fileSession(db: Database): SharedSession {
  let s = sessions.get(db);
  if (!s) {
    s = newSharedSession(db);
    sessions.set(db, s);
  }
  return s;
}

let addresses = 0x7f3a1c2b4e10;

function sqliteHooks(module: string, address: string): DriverHooks {
  return {
    select_rowcount: "minus_one",
    execute(session, operation, parameters, kind, many, reader) {
      const info = statementInfo(operation);
      if (info.multiple) throw new ProgrammingError("You can only execute one statement at a time.");
      const bound = bindParameters(info, parameters) as DBAPIParameters | undefined;
      return session.execute(operation, bound, kind, many, reader);
    },
    executemany(session, operation, seq, kind) {
      const info = statementInfo(operation);
      if (info.multiple) throw new ProgrammingError("You can only execute one statement at a time.");
      // pysqlite binds each set just before running it: the sets before a bad one still run
      const bound: (DBAPIParameters | undefined)[] = [];
      let bindError: unknown;
      for (const parameters of seq) {
        try {
          bound.push(bindParameters(info, parameters) as DBAPIParameters | undefined);
        } catch (err) {
          bindError = err;
          break;
        }
      }
      const r = bound.length > 0 ? session.executemany(operation, bound, kind) : null;
      if (bindError !== undefined) throw bindError;
      return r!;
    },
    check_executemany(_operation, kind) {
      if (kind === "read") throw new ProgrammingError("executemany() can only execute DML statements.");
    },
    closedError(what) {
      return new ProgrammingError(
        what === "cursor" ? "Cannot operate on a closed cursor." : "Cannot operate on a closed database.",
      );
    },
    repr: () => `<${module}.Connection object at 0x${address}>`,
  };
}

/** `sqlite3.Connection`. */
export class Connection extends DBAPIConnection {
  /** The database this connection alone uses (`:memory:`), freed when it closes. */
  private readonly privateSession: SqljsSession | null;

  constructor(shared: SharedSession, module: string, isPrivate: boolean) {
    super(shared.open(), sqliteHooks(module, (addresses += 0x130).toString(16)));
    this.privateSession = isPrivate ? (shared.physical as SqljsSession) : null;
  }

  /** pysqlite's `isolation_level`: "" (deferred BEGIN before DML), or null for autocommit. */
  get isolation_level(): string | null {
    return this.autocommit ? null : "";
  }
  set isolation_level(value: string | null) {
    this.autocommit = value === null;
  }

  override close(): void {
    super.close();
    this.privateSession?.close();
  }
}

/** `sqlite3.connect(database)`: a file of the page's file system, or a private `:memory:` database. */
export function connectSqlite(args: ConnectArgs, module: string): Connection {
  const name = args.database ?? ":memory:";
  if (isMemoryDatabase(name)) return new Connection(newSharedSession(newMemoryDatabase()), module, true);
  const file = resolveFile(name);
  if (file === null) throw new OperationalError("unable to open database file");
  return new Connection(fileSession(openFile(file)), module, false);
}

let versionInfo: readonly number[] | null = null;

/** The SQLite library's version: the module's `sqlite3.sqlite_version_info` (`(3, 49, 1)`). */
export function sqliteVersionInfo(): readonly number[] {
  versionInfo ??= Object.freeze(sqliteVersion().split(".").map(Number));
  return versionInfo;
}

export const sqlite3: DBAPIModule & { readonly sqlite_version_info: readonly number[] } = {
  name: "sqlite3",
  paramstyle: "qmark",
  connect: (args) => connectSqlite(args, "sqlite3"),
  get sqlite_version_info() {
    return sqliteVersionInfo();
  },
};
