/**
 * Contracts between the engine and the layers below it, apart from their implementations
 * (SQLAlchemy's engine/interfaces.py). The DBAPI types are PEP 249 as the Python drivers implement
 * it; the DBAPI module a dialect names (`dbapi/<module>.ts`) provides them over PGlite or sql.js.
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

/* ------------------------------------------------------------------------------------------------
 * Between the SQL compiler (sql/) and the engine (engine/default.ts): what a compiled statement
 * offers its execution context. SQLAlchemy: sql/compiler.py Compiled / SQLCompiler.
 * ---------------------------------------------------------------------------------------------- */

/** Converts a Python-side value to what the driver takes (TypeEngine.bind_processor). */
export type BindProcessor = (value: unknown) => unknown;
/** Converts a driver value to the Python-side value (TypeEngine.result_processor). */
export type ResultProcessor = (value: unknown) => unknown;

/** One column of a compiled SELECT / RETURNING (SQLCompiler._result_columns). */
export interface ResultColumn {
  /** Key used for Row access (`row.name`, `row._mapping["name"]`). */
  readonly keyname: string;
  /** Label in the SQL (`user_account_name` for `user_account.name AS user_account_name`). */
  readonly name: string;
  /** Expression objects that this column can be looked up by (Column, label, ORM attribute …). */
  readonly objects: readonly unknown[];
  /** Converts the driver's value, if the column's type needs it. */
  readonly processor: ResultProcessor | null;
}

export interface CompiledLike {
  /** The statement in the dialect's paramstyle, as it is logged and sent to the driver. */
  readonly string: string;
  /** Bind parameter names in order, for positional paramstyles (qmark, numeric_dollar); else null. */
  readonly positiontup: readonly string[] | null;
  readonly isddl: boolean;
  readonly isinsert: boolean;
  readonly isupdate: boolean;
  readonly isdelete: boolean;
  /** True when the statement ends in RETURNING (or is a SELECT) and so produces rows. */
  readonly returns_rows: boolean;
  /** Result columns for rows (empty for a textual statement: the cursor description decides). */
  readonly _result_columns: readonly ResultColumn[];
  /** Per bind name, the type's bind processor where the type has one. */
  readonly _bind_processors: Readonly<Record<string, BindProcessor>>;
  /** `performance.now()` when compiled: "[generated in Xs]" / "[cached since Xs ago]". */
  readonly _gen_time: number;
  /**
   * The parameter dict for one execution: compile-time values (`insert().values(x=1)`,
   * `where(col == 5)` literals, which may come from `extracted_parameters` when the compiled form was
   * taken from the cache) overlaid by `params`. A bind with no value raises InvalidRequestError
   * "A value is required for bind parameter 'x'" with code cd3x (the engine wraps it in StatementError).
   */
  construct_params(
    params?: Readonly<Record<string, unknown>> | null,
    extracted_parameters?: readonly unknown[] | null,
    options?: { for_executemany?: boolean },
  ): Record<string, unknown>;
  /** construct_params() for one parameter set, in `positiontup` order (None as null). */
  construct_positional?(
    params: Readonly<Record<string, unknown>> | null,
    extracted_parameters: readonly unknown[] | null,
  ): unknown[];
  /** The statement this was compiled from. */
  readonly statement: unknown;
}

/** How a statement was obtained from the engine's compiled cache (SQLAlchemy's CacheStats). */
export type CacheStatus = "generated" | "cached" | "no_key" | "disabled";

export interface CompileWithCacheResult {
  readonly compiled: CompiledLike;
  /** Literal values pulled out of this statement object, to fill a cached compiled form's binds. */
  readonly extracted_params: readonly unknown[] | null;
  readonly cache_status: CacheStatus;
}

/** One batch of an "insertmanyvalues" execution (SQLAlchemy's `_InsertManyValuesBatch`). */
export interface InsertManyValuesBatch {
  /** The statement for this batch (multi-row VALUES, or the single-row form when downgraded). */
  readonly replaced_statement: string;
  /** Driver parameters for this batch (a dict for pyformat, a tuple for positional styles). */
  readonly replaced_parameters: DBAPIParameters;
  readonly batchnum: number;
  readonly total_batches: number;
  /** "(ordered)" vs "(unordered)" in the log. */
  readonly rows_sorted: boolean;
  /** "batch not supported": one row per statement (SQLite INSERT … RETURNING of several rows). */
  readonly is_downgraded: boolean;
  /** How many of the original parameter sets this batch carries. */
  readonly current_batch_size: number;
  /**
   * The names of a dict of parameters in their order, when the batch made the dict: the log shows
   * the first and last 50 of them, and a dict of thousands of keys is slow to enumerate.
   */
  readonly parameter_names?: readonly string[];
}

/**
 * Optional parts of a compiled statement that the engine uses when present:
 * - `_insertmanyvalues` / `_deliver_insertmanyvalues_batches(...)`: a multi-row INSERT with RETURNING
 *   (or a dialect that batches plain executemany INSERTs, as psycopg2 does) is sent in batches;
 * - `_process_parameters_for_postcompile(params)`: expanding IN parameters (`[POSTCOMPILE_x]`)
 *   rewritten for one execution (a new statement, parameters and processors; the compiled
 *   statement, shared through the cache, is left as it is);
 * - `effective_returning` / `_inserted_primary_key_from_returning`: the INSERT's RETURNING columns.
 */
export interface CompiledExtras {
  readonly _insertmanyvalues?: unknown;
  _deliver_insertmanyvalues_batches?(
    statement: string,
    parameters: readonly DBAPIParameters[],
    compiled_parameters: readonly Record<string, unknown>[],
    batch_size: number,
  ): Iterable<InsertManyValuesBatch>;
  _process_parameters_for_postcompile?(parameters: Record<string, unknown>): {
    statement: string;
    positiontup: readonly string[] | null;
    parameters: Record<string, unknown>;
    /** The bind processors for this execution's names (the compiled ones plus the expanded names'). */
    processors: Readonly<Record<string, BindProcessor>>;
  };
  /**
   * An ordered multi-row INSERT … RETURNING (PostgreSQL's `imp_sen` form) returns this many extra
   * trailing columns (the sentinel): sort each batch's rows on them, then drop them from the rows.
   * `_result_columns` already leaves them out.
   */
  readonly _num_sentinel_cols?: number;
  /** A client-side sentinel (primary key values the parameters give): its bind names, in column order. */
  readonly _sentinel_param_keys?: readonly string[] | null;
  /** Column keys of the table's primary key, for `inserted_primary_key`. */
  readonly _primary_key_keys?: readonly string[];
  readonly effective_returning?: readonly unknown[] | null;
  /** Whether `_bind_processors` has any entry (set on first execution). */
  _has_bind_processors?: boolean;
  /** A Python-side default is a callable: compiled_parameters are built once per execution. */
  readonly _has_callable_defaults?: boolean;
}
