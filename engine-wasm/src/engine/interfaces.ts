/**
 * Contracts between the engine and the layers below it, apart from their implementations
 * (SQLAlchemy's engine/interfaces.py). The DBAPI types are PEP 249 as the Python drivers implement
 * it; a dialect's driver module (`dialects/<db>/<driver>.ts`) provides them over PGlite or sql.js.
 */

/** PEP 249 paramstyles that the emulated drivers use. */
export type Paramstyle = "qmark" | "numeric" | "named" | "format" | "pyformat" | "numeric_dollar";

/** Parameters as the driver receives them: a tuple (positional styles) or a dict (named styles). */
export type DBAPIParameters = readonly unknown[] | Readonly<Record<string, unknown>>;

/** One entry of `cursor.description`: PEP 249's 7-tuple, as named fields. */
export interface DBAPIColumn {
  readonly name: string;
  /** Driver type code: a PostgreSQL type OID, or null for SQLite (as pysqlite reports). */
  readonly type_code: number | string | null;
}

export interface DBAPICursor {
  /** Column descriptions of the last statement, or null when it returned no rows. */
  readonly description: readonly DBAPIColumn[] | null;
  /** Rows affected (DML), -1 when unknown (pysqlite: SELECT), rows returned (psycopg2: SELECT). */
  readonly rowcount: number;
  /** pysqlite's `lastrowid` (SQLite ROWID of the last INSERT); null elsewhere. */
  readonly lastrowid: number | null;
  execute(operation: string, parameters?: DBAPIParameters): void;
  executemany(operation: string, seq_of_parameters: readonly DBAPIParameters[]): void;
  fetchone(): unknown[] | null;
  fetchmany(size?: number): unknown[][];
  fetchall(): unknown[][];
  close(): void;
}

export interface DBAPIConnection {
  cursor(): DBAPICursor;
  commit(): void;
  rollback(): void;
  close(): void;
  /**
   * For the async engine only: resolves when this connection may run `operation` without a
   * conflict on the shared physical session (another connection holding uncommitted writes),
   * waiting at most `timeoutMs`. Sync callers never call it: a sync conflict raises at once.
   */
  await_turn?(operation: string, timeoutMs: number): Promise<void>;
}

/** The driver module (Python's `import psycopg2` / `import sqlite3`), as the dialect sees it. */
export interface DBAPIModule {
  /** Python module name shown in messages, e.g. `sqlite3`, `psycopg2`, `asyncpg`. */
  readonly name: string;
  readonly paramstyle: Paramstyle;
  connect(args: ConnectArgs): DBAPIConnection;
}

/** What `dialect.create_connect_args(url)` produces: everything the driver needs to connect. */
export interface ConnectArgs {
  readonly database: string | null;
  readonly host?: string | null;
  readonly port?: number | null;
  readonly username?: string | null;
  readonly password?: string | null;
  readonly query?: Readonly<Record<string, string | readonly string[]>>;
}
