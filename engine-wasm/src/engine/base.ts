/**
 * `sqlalchemy.engine.base`: Engine, Connection and the Transaction objects.
 *
 * A Connection checks a DBAPI connection out of the pool, begins a transaction by itself at the first
 * statement ("autobegin", logged `BEGIN (implicit)`), and on close rolls back what was not committed.
 * `using conn = engine.connect()` closes it like Python's `with`. Blocks whose end depends on success
 * (`engine.begin`, `conn.begin`, `conn.begin_nested`) take a callback: committed when it returns,
 * rolled back and re-thrown when it throws.
 */

import { Dispatcher, type Listener } from "../event.ts";
import {
  ArgumentError,
  DBAPIError,
  InvalidRequestError,
  ObjectNotExecutableError,
  PendingRollbackError,
  ResourceClosedError,
  reprParams,
  type StatementError,
} from "../exc.ts";
import type { Pool, PoolProxiedConnection } from "../pool/base.ts";
import { type CompiledCache, LRUCache, mergeOptions } from "../util/collections.ts";
import { type EchoFlag, InstanceLogger } from "../util/log.ts";
import { defineModule } from "../util/repr.ts";
import { sa_warn } from "../util/warnings.ts";
import type { CursorResult } from "./cursor.ts";
import type { DefaultDialect, DefaultExecutionContext } from "./default.ts";
import type { CompileWithCacheResult, DBAPIConnection, DBAPIParameters } from "./interfaces.ts";
import type { URL } from "./url.ts";

/** The parameter names of an execution without parameters. */
const NO_KEYS: readonly string[] = Object.freeze([]);

export type ExecutionOptions = Readonly<Record<string, unknown>>;
export type Parameters = Readonly<Record<string, unknown>> | readonly Readonly<Record<string, unknown>>[];

/** What `connection.execute()` accepts: anything that knows how to run itself on a connection. */
export interface Executable {
  _execute_on_connection(
    connection: Connection,
    distilled_params: readonly Record<string, unknown>[],
    execution_options: ExecutionOptions,
  ): CursorResult;
}

/** A statement element the compiler can compile with the engine's cache. */
export interface CompilableElement {
  _compile_w_cache(
    dialect: DefaultDialect,
    options: {
      compiled_cache: CompiledCache | null;
      column_keys: readonly string[];
      for_executemany: boolean;
      schema_translate_map?: unknown;
    },
  ): CompileWithCacheResult;
}

const ENGINE_EVENTS = new Set([
  "before_execute",
  "after_execute",
  "before_cursor_execute",
  "after_cursor_execute",
  "begin",
  "commit",
  "rollback",
  "savepoint",
  "rollback_savepoint",
  "release_savepoint",
  "engine_connect",
  "engine_disposed",
  "handle_error",
  "set_connection_execution_options",
  "set_engine_execution_options",
]);
const POOL_EVENTS = new Set(["connect", "first_connect", "checkout", "checkin", "reset", "close"]);

const NO_OPTIONS: ExecutionOptions = Object.freeze({});

/** `_distill_params_20`: None → [], a dict → [dict], a list of dicts → the list. */
export function _distill_params_20(params: unknown): readonly Record<string, unknown>[] {
  if (params === undefined || params === null) return [];
  if (Array.isArray(params)) {
    if (params.length === 0) return [];
    if (params.every((p) => p !== null && typeof p === "object" && !Array.isArray(p))) return params;
    throw new ArgumentError("List argument must consist only of dictionaries");
  }
  if (typeof params === "object") return [params as Record<string, unknown>];
  throw new InvalidRequestError(
    "connection.execute() takes a dictionary or a list of dictionaries as parameters",
  );
}

/** exec_driver_sql(): a tuple, a dict, or a list of them. */
function _distill_raw_params(params: unknown): readonly DBAPIParameters[] {
  if (params === undefined || params === null) return [];
  if (Array.isArray(params)) {
    if (params.length === 0) return [];
    if (params.every((p) => p !== null && typeof p === "object")) return params as DBAPIParameters[];
    return [params];
  }
  if (typeof params === "object") return [params as DBAPIParameters];
  throw new InvalidRequestError("exec_driver_sql() takes a tuple, a dict or a list of them as parameters");
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return !!v && typeof (v as PromiseLike<unknown>).then === "function";
}

export class Connection {
  /** The `Engine` with which this `Connection` is associated. */
  readonly engine: Engine;
  /** The `Dialect` in use by this `Connection`. */
  readonly dialect: DefaultDialect;
  _dbapi_connection: PoolProxiedConnection | null;
  _transaction: RootTransaction | null = null;
  _nested_transaction: NestedTransaction | null = null;
  /** The transaction of the begin() block running on this connection (SQLAlchemy's _trans_context_manager). */
  _trans_context_manager: Transaction | null = null;
  _execution_options: ExecutionOptions;
  /** The event dispatch of this `Connection`: the listeners `event.listen()` attached. */
  readonly dispatch: Dispatcher;
  private _savepoint_seq = 0;
  private readonly _allow_autobegin: boolean;
  private _reentrant_error = false;
  _closed = false;

  constructor(
    engine: Engine,
    connection?: PoolProxiedConnection | null,
    options: { _allow_autobegin?: boolean; _has_events?: boolean } = {},
  ) {
    this.engine = engine;
    this.dialect = engine.dialect;
    this._execution_options = engine._execution_options;
    this.dispatch = new Dispatcher(options._has_events === false ? null : engine.dispatch);
    this._allow_autobegin = options._allow_autobegin ?? true;
    if (connection) {
      this._dbapi_connection = connection;
    } else {
      try {
        this._dbapi_connection = engine.raw_connection();
      } catch (err) {
        throw Connection._handle_dbapi_exception_noconnection(err, engine);
      }
    }
    if (options._has_events !== false) {
      for (const fn of engine.dispatch.listeners("engine_connect")) fn(this);
    }
  }

  static _handle_dbapi_exception_noconnection(err: unknown, _engine: Engine): unknown {
    if (err instanceof Error && (err as { pep249?: string }).pep249) {
      return DBAPIError.instance(null, null, err, { connection_invalidated: false });
    }
    return err;
  }

  get _echo(): EchoFlag {
    return this.engine.logger.echo;
  }

  _log_info(message: string, tag?: "statement" | "params" | "transaction"): void {
    this.engine.logger.info(message, tag);
  }
  _log_debug(message: string): void {
    this.engine.logger.debug(message);
  }

  /** The pooled DBAPI connection (SQLAlchemy's `connection.connection`). */
  get connection(): PoolProxiedConnection {
    if (this._dbapi_connection === null) throw new ResourceClosedError("This Connection is closed");
    return this._dbapi_connection;
  }

  /** Return True if this connection is closed. */
  get closed(): boolean {
    return this._dbapi_connection === null && this._closed;
  }

  /** Return True if this connection was invalidated. */
  get invalidated(): boolean {
    return false;
  }

  /** Info dictionary associated with the underlying DBAPI connection referred to by this `Connection`, allowing user-defined data to be associated with the connection. */
  get info(): Record<string, unknown> {
    return this.connection.info;
  }

  /** Set non-SQL options for the connection which take effect during execution. */
  execution_options(options: Record<string, unknown>): this {
    this._execution_options = { ...this._execution_options, ...options };
    return this;
  }

  /** Get the non-SQL options which will take effect during execution. */
  get_execution_options(): ExecutionOptions {
    return this._execution_options;
  }

  /** Return True if a transaction is in progress. */
  in_transaction(): boolean {
    return this._transaction?.is_active ?? false;
  }

  /** Return True if a transaction is in progress. */
  in_nested_transaction(): boolean {
    return this._nested_transaction?.is_active ?? false;
  }

  /** Return the current root transaction in progress, if any. */
  get_transaction(): RootTransaction | null {
    return this._transaction;
  }

  /** Return the current nested transaction in progress, if any. */
  get_nested_transaction(): NestedTransaction | null {
    return this._nested_transaction;
  }

  _accepts_event(identifier: string): boolean {
    return ENGINE_EVENTS.has(identifier);
  }
  _listen_event(identifier: string, fn: Listener, options: { once?: boolean; insert?: boolean }): void {
    if (!ENGINE_EVENTS.has(identifier))
      throw new InvalidRequestError(`No such event '${identifier}' for target '${this}'`);
    this.dispatch.listen(identifier, fn, options);
  }

  /* --------------------------------------------------------------------------------------------
   * transactions
   * ------------------------------------------------------------------------------------------ */

  _autobegin(): void {
    if (this._allow_autobegin && !this._transaction) this.begin();
  }

  /**
   * Begins a transaction. With a callback: commits when it returns (or its promise resolves), rolls
   * back and rethrows when it throws; returns the callback's value. Without: returns the Transaction.
   */
  begin(): RootTransaction;
  begin<T>(callback: (conn: Connection) => T): T;
  begin<T>(callback?: (conn: Connection) => T): RootTransaction | T {
    if (this._transaction) {
      throw new InvalidRequestError(
        "This connection has already initialized a SQLAlchemy Transaction() object via begin() or autobegin; can't call begin() here unless rollback() or commit() is called first.",
      );
    }
    const trans = new RootTransaction(this);
    return callback ? runInTransaction(trans, () => callback(this)) : trans;
  }

  /** SAVEPOINT; same callback convention as begin(). */
  begin_nested(): NestedTransaction;
  begin_nested<T>(callback: (conn: Connection) => T): T;
  begin_nested<T>(callback?: (conn: Connection) => T): NestedTransaction | T {
    if (!this._transaction) this._autobegin();
    const trans = new NestedTransaction(this);
    return callback ? runInTransaction(trans, () => callback(this)) : trans;
  }

  /** Commit the transaction that is currently in progress. */
  commit(): void {
    if (this._transaction) this._transaction.commit();
  }

  /** Roll back the transaction that is currently in progress. */
  rollback(): void {
    if (this._transaction) this._transaction.rollback();
  }

  _begin_impl(transaction: RootTransaction): void {
    this._log_info("BEGIN (implicit)", "transaction");
    for (const fn of this.dispatch.listeners("begin")) fn(this);
    this.dialect.do_begin(this.connection.dbapi_connection!);
    void transaction;
  }

  _commit_impl(): void {
    for (const fn of this.dispatch.listeners("commit")) fn(this);
    this._log_info("COMMIT", "transaction");
    try {
      this.dialect.do_commit(this.connection.dbapi_connection!);
    } catch (err) {
      this._handle_dbapi_exception(err, null, null, null);
    }
  }

  _rollback_impl(): void {
    for (const fn of this.dispatch.listeners("rollback")) fn(this);
    if (this._dbapi_connection) {
      this._log_info("ROLLBACK", "transaction");
      try {
        this.dialect.do_rollback(this._dbapi_connection.dbapi_connection!);
      } catch (err) {
        this._handle_dbapi_exception(err, null, null, null);
      }
    }
  }

  _savepoint_impl(name?: string): string {
    this._savepoint_seq += 1;
    const sp = name ?? `sa_savepoint_${this._savepoint_seq}`;
    for (const fn of this.dispatch.listeners("savepoint")) fn(this, sp);
    this._execute_internal_no_key(`SAVEPOINT ${sp}`);
    return sp;
  }

  _rollback_to_savepoint_impl(name: string): void {
    for (const fn of this.dispatch.listeners("rollback_savepoint")) fn(this, name, null);
    this._execute_internal_no_key(`ROLLBACK TO SAVEPOINT ${name}`);
  }

  _release_savepoint_impl(name: string): void {
    for (const fn of this.dispatch.listeners("release_savepoint")) fn(this, name, null);
    this._execute_internal_no_key(`RELEASE SAVEPOINT ${name}`);
  }

  /** Statements the connection sends itself (savepoints): logged with `[no key …]`, not cached. */
  private _execute_internal_no_key(sql: string): void {
    const started = performance.now();
    const compiled = noKeyCompiled(sql, started, this.dialect.positional);
    const ctx = this.dialect.execution_ctx_cls._init_compiled(
      this.dialect,
      this,
      this.connection.dbapi_connection!,
      this._execution_options,
      compiled,
      [],
      null,
      null,
      "no_key",
    );
    this._exec_single_context(ctx);
  }

  /** Closes the connection: rolls back an uncommitted transaction, returns the DBAPI connection to the pool. */
  close(): void {
    // a transaction ended here is the reset: the pool does not roll back again (SQLAlchemy's
    // _close_special(transaction_reset=True)); with none, the pool's reset-on-return runs
    const skip_reset = this._transaction !== null;
    if (this._transaction) this._transaction.close();
    if (this._dbapi_connection) {
      const conn = this._dbapi_connection;
      conn._transaction_was_reset = skip_reset;
      conn.close();
    }
    this._dbapi_connection = null;
    this._closed = true;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** Invalidate the underlying DBAPI connection associated with this `Connection`. */
  invalidate(): void {
    if (this._dbapi_connection) this._dbapi_connection.invalidate();
    this._dbapi_connection = null;
  }

  /* --------------------------------------------------------------------------------------------
   * execution
   * ------------------------------------------------------------------------------------------ */

  /** Executes a statement construct (`text()`, `select()`, `insert()` …) with a dict or list of dicts. */
  execute(
    statement: unknown,
    parameters?: Parameters | null,
    execution_options?: ExecutionOptions,
  ): CursorResult {
    const distilled = _distill_params_20(parameters);
    const meth = (statement as Partial<Executable> | null)?._execute_on_connection;
    if (typeof meth !== "function") throw new ObjectNotExecutableError(statement);
    return meth.call(statement, this, distilled, execution_options ?? NO_OPTIONS);
  }

  /** Executes and returns the first column of the first row. */
  scalar(statement: unknown, parameters?: Parameters | null, execution_options?: ExecutionOptions): unknown {
    return this.execute(statement, parameters, execution_options).scalar();
  }

  /** Executes and returns a ScalarResult of the first column. */
  scalars(statement: unknown, parameters?: Parameters | null, execution_options?: ExecutionOptions) {
    return this.execute(statement, parameters, execution_options).scalars();
  }

  /** Executes a SQL string as is, with parameters in the driver's paramstyle (logged `[raw sql]`). */
  exec_driver_sql(
    statement: string,
    parameters?: unknown,
    execution_options?: ExecutionOptions,
  ): CursorResult {
    const distilled = _distill_raw_params(parameters);
    const options = { ...this._execution_options, ...(execution_options ?? {}) };
    const dbapi = this._dbapi_for_execute();
    let context: DefaultExecutionContext;
    try {
      context = this.dialect.execution_ctx_cls._init_statement(
        this.dialect,
        this,
        dbapi,
        options,
        statement,
        distilled,
      );
    } catch (err) {
      this._handle_dbapi_exception(err, statement, distilled, null);
    }
    return this._execute_context(context!);
  }

  /** Called by compilable elements (`_execute_on_connection`): compile with the cache, then execute. */
  _execute_clauseelement(
    elem: CompilableElement,
    distilled_params: readonly Record<string, unknown>[],
    execution_options: ExecutionOptions,
  ): CursorResult {
    const options = mergeOptions(this._execution_options, execution_options);
    const events = this.dispatch.any;
    if (events)
      for (const fn of this.dispatch.listeners("before_execute")) fn(this, elem, distilled_params, options);
    let keys: readonly string[] = NO_KEYS;
    if (distilled_params.length) {
      const given = Object.keys(distilled_params[0]!);
      keys = given.length > 1 ? given.sort() : given;
    }
    const dbapi = this._dbapi_for_execute();
    // the ORM's flush passes its mapper's own cache, as SQLAlchemy's persistence does
    const cache =
      options.compiled_cache === undefined
        ? this.engine._compiled_cache
        : (options.compiled_cache as CompiledCache | null);
    let context: DefaultExecutionContext;
    let sql: string | null = null;
    try {
      const { compiled, extracted_params, cache_status } = elem._compile_w_cache(this.dialect, {
        compiled_cache: cache,
        column_keys: keys,
        for_executemany: distilled_params.length > 1,
        schema_translate_map: options.schema_translate_map,
      });
      sql = compiled.string;
      context = this.dialect.execution_ctx_cls._init_compiled(
        this.dialect,
        this,
        dbapi,
        options,
        compiled,
        distilled_params,
        elem,
        extracted_params,
        cache_status,
      );
    } catch (err) {
      if (err instanceof PendingRollbackError || err instanceof ResourceClosedError) throw err;
      this._handle_dbapi_exception(err, sql, distilled_params, null);
    }
    const result = this._execute_context(context!);
    if (events)
      for (const fn of this.dispatch.listeners("after_execute"))
        fn(this, elem, distilled_params, options, result);
    return result;
  }

  private _dbapi_for_execute(): DBAPIConnection {
    if (this._dbapi_connection === null) throw new ResourceClosedError("This Connection is closed");
    return this._dbapi_connection.dbapi_connection!;
  }

  _invalid_transaction(): never {
    throw new PendingRollbackError(
      `Can't reconnect until invalid ${this._nested_transaction && !this._nested_transaction.is_active ? "savepoint " : ""}transaction is rolled back.  Please rollback() fully before proceeding`,
      { code: "8s2b" },
    );
  }

  _execute_context(context: DefaultExecutionContext): CursorResult {
    if (
      (this._transaction && !this._transaction.is_active) ||
      (this._nested_transaction && !this._nested_transaction.is_active)
    ) {
      this._invalid_transaction();
    }
    if (!this._transaction) this._autobegin();
    context.pre_exec();
    if (context.execute_style === "INSERTMANYVALUES") return this._exec_insertmany_context(context);
    return this._exec_single_context(context);
  }

  _exec_single_context(context: DefaultExecutionContext): CursorResult {
    const cursor = context.cursor;
    let statement = context.statement;
    let parameters: DBAPIParameters | readonly DBAPIParameters[] = context.executemany
      ? context.parameters
      : context.parameters[0]!;
    const events = this.dispatch.any;
    if (events) {
      for (const fn of this.dispatch.listeners("before_cursor_execute")) {
        const r = fn(this, cursor, statement, parameters, context, context.executemany);
        if (Array.isArray(r) && r.length === 2) [statement, parameters] = r as [string, DBAPIParameters];
      }
    }
    const echo = this._echo;
    if (echo) {
      this._log_info(statement, "statement");
      const stats = context._get_cache_stats();
      if (this.engine.hide_parameters) {
        this._log_info(`[${stats}] [SQL parameters hidden due to hide_parameters=True]`, "params");
      } else {
        this._log_info(`[${stats}] ${reprParams(parameters, context.executemany)}`, "params");
      }
    }
    try {
      if (context.execute_style === "EXECUTEMANY") {
        this.dialect.do_executemany(cursor, statement, parameters as DBAPIParameters[], context);
      } else if (context.no_parameters) {
        this.dialect.do_execute_no_params(cursor, statement, context);
      } else {
        this.dialect.do_execute(cursor, statement, parameters as DBAPIParameters, context);
      }
      if (events) {
        for (const fn of this.dispatch.listeners("after_cursor_execute")) {
          fn(this, cursor, statement, parameters, context, context.executemany);
        }
      }
      context.post_exec();
      return context._setup_result_proxy();
    } catch (err) {
      this._handle_dbapi_exception(err, statement, parameters, context);
    }
  }

  _exec_insertmany_context(context: DefaultExecutionContext): CursorResult {
    const compiled = context.compiled!;
    const cursor = context.cursor;
    const batches = compiled._deliver_insertmanyvalues_batches!(
      context.statement,
      context.parameters,
      context.compiled_parameters,
      this.dialect.insertmanyvalues_page_size,
    );
    // the bracket of the first parameters line: read from the clock only when the log is on
    let stats = this._echo ? context._get_cache_stats() : null;
    const sentinels = compiled._num_sentinel_cols ?? 0;
    context._sentinel_cols = sentinels;
    const sentinelKeys = compiled._sentinel_param_keys ?? null;
    let offset = 0;
    const rows: unknown[][] = [];
    let description: unknown = null;
    const events = this.dispatch.any;
    // every batch is one cursor.execute(), seen by the listeners and the log as it runs
    for (const batch of batches) {
      let statement = batch.replaced_statement;
      let params: DBAPIParameters = batch.replaced_parameters;
      if (events) {
        for (const fn of this.dispatch.listeners("before_cursor_execute")) {
          const r = fn(this, cursor, statement, params, context, true);
          if (Array.isArray(r) && r.length === 2) [statement, params] = r as [string, DBAPIParameters];
        }
      }
      if (this._echo) {
        stats ??= context._get_cache_stats();
        this._log_info(longStatement(statement), "statement");
        const imv = ` ${batch.batchnum}/${batch.total_batches} (${batch.rows_sorted ? "ordered" : "unordered"}${batch.is_downgraded ? "; batch not supported" : ""})`;
        const bracket = batch.batchnum === 1 ? `${stats} (insertmanyvalues)${imv}` : `insertmanyvalues${imv}`;
        if (this.engine.hide_parameters) {
          this._log_info(`[${bracket}] [SQL parameters hidden due to hide_parameters=True]`, "params");
        } else {
          const names = params === batch.replaced_parameters ? batch.parameter_names : undefined;
          this._log_info(`[${bracket}] ${reprParams(params, false, 10, names)}`, "params");
        }
      }
      try {
        this.dialect.do_execute(cursor, statement, params, context);
      } catch (err) {
        this._handle_dbapi_exception(err, longStatement(statement), params, context, false);
      }
      if (events) {
        for (const fn of this.dispatch.listeners("after_cursor_execute"))
          fn(this, cursor, statement, params, context, true);
      }
      if (cursor.description) {
        description = cursor.description;
        let batchRows = cursor.fetchall();
        if (sentinels > 0) {
          // sentinel columns (server-generated keys) put the rows back in parameter order, then go
          if (batch.rows_sorted && sentinelKeys) {
            // a client-side sentinel: the rows in the order of the batch's parameters
            const slice = context.compiled_parameters.slice(offset, offset + batch.current_batch_size);
            batchRows = sortBySentinelValues(batchRows, slice, sentinelKeys);
          } else if (batch.rows_sorted)
            batchRows = [...batchRows].sort((a, b) => compareTail(a, b, sentinels));
          batchRows = batchRows.map((r) => r.slice(0, r.length - sentinels));
        }
        for (const r of batchRows) rows.push(r);
      }
      offset += batch.current_batch_size;
    }
    if (description) context._insertmanyvalues_rows = rows;
    context.post_exec();
    return context._setup_result_proxy();
  }

  /** Wraps a driver error in the sqlalchemy.exc class for it and raises it (SQLAlchemy's method of the same name). */
  _handle_dbapi_exception(
    err: unknown,
    statement: string | null,
    parameters: unknown,
    context: DefaultExecutionContext | null,
    ismultiOverride?: boolean,
  ): never {
    if (!(err instanceof Error)) throw err;
    const ismulti = ismultiOverride ?? (context ? context.executemany : false);
    const isDriverError = !!(err as { pep249?: string }).pep249;
    const should_wrap = isDriverError || (statement !== null && context === null);
    if (this._reentrant_error) {
      throw DBAPIError.instance(statement, parameters, err, {
        ismulti,
        hide_parameters: this.engine.hide_parameters,
      });
    }
    this._reentrant_error = true;
    try {
      let wrapped: StatementError | null = null;
      if (should_wrap) {
        wrapped = DBAPIError.instance(statement, parameters, err, {
          ismulti,
          hide_parameters: this.engine.hide_parameters,
          connection_invalidated: false,
        });
      }
      for (const fn of this.dispatch.listeners("handle_error")) {
        const replacement = fn({
          original_exception: err,
          sqlalchemy_exception: wrapped,
          statement,
          parameters,
          connection: this,
        });
        if (replacement instanceof Error) throw replacement;
      }
      if (context) {
        try {
          context.cursor.close();
        } catch {
          // the cursor is gone with the error
        }
      }
      throw wrapped ?? err;
    } finally {
      this._reentrant_error = false;
    }
  }

  __repr__(): string {
    return `<sqlalchemy.engine.base.Connection object at 0x${this.engine._addr}>`;
  }
}

function noKeyCompiled(sql: string, started: number, positional: boolean) {
  return {
    string: sql,
    positiontup: positional ? [] : null,
    isddl: false,
    isinsert: false,
    isupdate: false,
    isdelete: false,
    returns_rows: false,
    _result_columns: [],
    _bind_processors: {},
    _gen_time: started,
    statement: null,
    construct_params: () => ({}),
  };
}

/**
 * How an insertmanyvalues batch's statement is logged and named in its error (SQLAlchemy's
 * `sql.util._long_statement`): over 500 characters, the first 250 and the last 100.
 */
function longStatement(statement: string): string {
  const n = statement.length;
  if (n <= 500) return statement;
  return `${statement.slice(0, 250)} ... ${n - 350} characters truncated ... ${statement.slice(-100)}`;
}

/** The `[…] <parameters>` part of the log line: Python's repr of what goes to the driver. */
/** Orders two rows by their last `n` values (numbers or strings). */
/** Rows whose trailing columns are a client-side sentinel, in the order of the parameters giving those values. */
function sortBySentinelValues(
  rows: unknown[][],
  params: readonly Record<string, unknown>[],
  keys: readonly string[],
): unknown[][] {
  const n = keys.length;
  const keyOf = (values: readonly unknown[]) => values.map((v) => `${typeof v}:${String(v)}`).join("\u0001");
  const order = new Map<string, number>();
  params.forEach((p, i) => {
    order.set(keyOf(keys.map((k) => p[k])), i);
  });
  const at = (r: unknown[]) => order.get(keyOf(r.slice(r.length - n))) ?? Number.MAX_SAFE_INTEGER;
  return [...rows].sort((a, b) => at(a) - at(b));
}

function compareTail(a: unknown[], b: unknown[], n: number): number {
  for (let i = a.length - n; i < a.length; i++) {
    const x = a[i] as number | string;
    const y = b[i] as number | string;
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return 0;
}

/**
 * A begin() block: `body` runs with `trans` as the connection's context transaction (so that work
 * after a commit() or rollback() inside the block is refused, see _trans_ctx_check), then commits,
 * or rolls back if it throws; a transaction already ended inside is left as it is.
 */
function runInTransaction<T>(trans: Transaction, body: () => T): T {
  const conn = trans.connection;
  const previous = conn._trans_context_manager;
  conn._trans_context_manager = trans;
  let result: T;
  try {
    result = body();
  } catch (err) {
    conn._trans_context_manager = previous;
    if (trans.is_active) trans.rollback();
    else trans.close();
    throw err;
  }
  if (isThenable(result)) {
    return Promise.resolve(result).then(
      (value) => {
        conn._trans_context_manager = previous;
        if (trans.is_active) trans.commit();
        return value;
      },
      (err) => {
        conn._trans_context_manager = previous;
        if (trans.is_active) trans.rollback();
        throw err;
      },
    ) as T;
  }
  conn._trans_context_manager = previous;
  if (trans.is_active) trans.commit();
  return result;
}

/**
 * SQLAlchemy's TransactionalContext._trans_ctx_check: inside a begin() block whose transaction was
 * committed or rolled back, nothing may begin another one.
 */
export function _trans_ctx_check(context: { is_active: boolean } | null): void {
  if (context !== null && !context.is_active) {
    throw new InvalidRequestError(
      "Can't operate on closed transaction inside context manager.  Please complete the context manager before emitting further commands.",
    );
  }
}

/* ------------------------------------------------------------------------------------------------
 * Transactions
 * ---------------------------------------------------------------------------------------------- */

export abstract class Transaction {
  /** The `Connection` this `Transaction` belongs to. */
  readonly connection: Connection;
  /** True if this `Transaction` is in progress: not yet committed, rolled back or closed. */
  is_active = true;
  protected _deactivated_from_connection = false;
  /** Closed: committed, rolled back or closed. */
  _closed = false;

  constructor(connection: Connection) {
    this.connection = connection;
  }

  /** True if this `Transaction` is active and its `Connection` was not invalidated. */
  get is_valid(): boolean {
    return this.is_active && !this.connection.invalidated;
  }

  /** Commit this `Transaction`. */
  abstract commit(): void;
  /** Roll back this `Transaction`. */
  abstract rollback(): void;
  /** Close this `Transaction`. */
  abstract close(): void;

  [Symbol.dispose](): void {
    this.close();
  }
}

export class RootTransaction extends Transaction {
  constructor(connection: Connection) {
    _trans_ctx_check(connection._trans_context_manager);
    super(connection);
    connection._transaction = this;
    connection._begin_impl(this);
  }

  private _deactivate_from_connection(): void {
    if (this.connection._transaction === this) this.connection._transaction = null;
    this.is_active = false;
  }

  commit(): void {
    if (this._closed) {
      throw new InvalidRequestError("This transaction is inactive");
    }
    if (!this.is_active) {
      throw new PendingRollbackError(
        "This connection is on an inactive transaction.  Please rollback() fully before proceeding.",
        { code: "8s2a" },
      );
    }
    try {
      // closing nested savepoints first, as SQLAlchemy does
      this.connection._nested_transaction = null;
      this.connection._commit_impl();
    } finally {
      this._closed = true;
      this._deactivate_from_connection();
    }
  }

  rollback(): void {
    if (this._closed) {
      // rolled back, committed or closed already (SQLAlchemy's _deactivate_from_connection)
      sa_warn("transaction already deassociated from connection");
      return;
    }
    try {
      this.connection._nested_transaction = null;
      this.connection._rollback_impl();
    } finally {
      this._closed = true;
      this._deactivate_from_connection();
    }
  }

  close(): void {
    if (!this._closed) this.rollback();
  }
}

export class NestedTransaction extends Transaction {
  readonly _savepoint: string;
  private readonly _previous_nested: NestedTransaction | null;

  constructor(connection: Connection) {
    _trans_ctx_check(connection._trans_context_manager);
    super(connection);
    this._previous_nested = connection._nested_transaction;
    this._savepoint = connection._savepoint_impl();
    connection._nested_transaction = this;
  }

  private _deactivate(): void {
    this.is_active = false;
    this._closed = true;
    if (this.connection._nested_transaction === this)
      this.connection._nested_transaction = this._previous_nested;
  }

  commit(): void {
    if (this._closed) throw new InvalidRequestError("This nested transaction is inactive");
    try {
      this.connection._release_savepoint_impl(this._savepoint);
    } finally {
      this._deactivate();
    }
  }

  rollback(): void {
    if (this._closed) return;
    try {
      this.connection._rollback_to_savepoint_impl(this._savepoint);
    } finally {
      this._deactivate();
    }
  }

  close(): void {
    this.rollback();
  }
}

/* ------------------------------------------------------------------------------------------------
 * Engine
 * ---------------------------------------------------------------------------------------------- */

let addrSeed = 0x7f3a10000000;

export class Engine {
  /** The `URL` this `Engine` connects with. */
  readonly url: URL;
  /** The `Dialect` in use by this `Engine`. */
  readonly dialect: DefaultDialect;
  /** The pool (an accessor, so that OptionEngine can hand out its parent's). */
  _pool: Pool;
  /** String identifier which will be used within the "name" field of logging records generated within the "sqlalchemy.engine" logger. */
  readonly logging_name: string | null;
  /** The logger this `Engine` writes its echo log to (`sqlalchemy.engine.Engine`). */
  logger: InstanceLogger;
  /** Boolean, when set to True, SQL statement parameters will not be displayed in INFO logging nor will they be formatted into the string representation of `StatementError` objects. */
  readonly hide_parameters: boolean;
  _execution_options: ExecutionOptions;
  /** The event dispatch of this `Engine`: the listeners `event.listen()` attached. */
  readonly dispatch: Dispatcher;
  /** The compiled-statement cache (SQLAlchemy's LRU of `query_cache_size` entries). */
  _compiled_cache: CompiledCache | null;
  readonly _addr: string;

  constructor(
    pool: Pool,
    dialect: DefaultDialect,
    url: URL,
    options: {
      echo?: EchoFlag;
      logging_name?: string | null;
      hide_parameters?: boolean;
      execution_options?: ExecutionOptions;
      query_cache_size?: number;
    } = {},
    _parent_dispatch: Dispatcher | null = null,
  ) {
    this._pool = pool;
    this.dialect = dialect;
    this.url = url;
    this.dispatch = new Dispatcher(_parent_dispatch);
    this.logging_name = options.logging_name ?? null;
    this.logger = new InstanceLogger(
      options.logging_name ? `sqlalchemy.engine.Engine.${options.logging_name}` : "sqlalchemy.engine.Engine",
      options.echo,
    );
    this.hide_parameters = options.hide_parameters ?? false;
    this._execution_options = options.execution_options ?? {};
    const size = options.query_cache_size ?? 500;
    this._compiled_cache = size > 0 ? new LRUCache(size) : null;
    addrSeed += 0x2b0;
    this._addr = addrSeed.toString(16);
  }

  /** When `True`, enable log output for this element. */
  get echo(): EchoFlag {
    return this.logger.echo;
  }
  set echo(value: EchoFlag) {
    this.logger.echo = value;
  }

  /** The `Pool` this `Engine` checks DBAPI connections out of. */
  get pool(): Pool {
    return this._pool;
  }
  set pool(pool: Pool) {
    this._pool = pool;
  }

  /** String name of the `Dialect` in use by this `Engine`. */
  get name(): string {
    return this.dialect.name;
  }
  /** Driver name of the `Dialect` in use by this `Engine`. */
  get driver(): string {
    return this.dialect.driver;
  }

  /** A new Connection (checks a DBAPI connection out of the pool now). */
  connect(): Connection {
    return new Connection(this);
  }

  /** A checked-out pooled DBAPI connection. */
  raw_connection(): PoolProxiedConnection {
    return this.pool.connect();
  }

  /**
   * `with engine.begin() as conn:` — a connection in a transaction: committed when the callback
   * returns, rolled back (and the error re-thrown) when it throws; the connection is closed either way.
   */
  begin(): Connection;
  begin<T>(callback: (conn: Connection) => T): T;
  begin<T>(callback?: (conn: Connection) => T): Connection | T {
    const conn = this.connect();
    if (!callback) {
      conn.begin();
      return conn;
    }
    let result: T;
    try {
      result = conn.begin(callback);
    } catch (err) {
      conn.close();
      throw err;
    }
    if (isThenable(result)) {
      return Promise.resolve(result).finally(() => conn.close()) as T;
    }
    conn.close();
    return result;
  }

  /** Closes the pooled connections and starts a new pool (checked-out connections are left alone). */
  dispose(close = true): void {
    if (close) this.pool.dispose();
    this.pool = this.pool.recreate();
    for (const fn of this.dispatch.listeners("engine_disposed")) fn(this);
  }

  /**
   * An OptionEngine: an Engine with this one's pool, dialect, URL and statement cache, this one's
   * options updated with `options`, this one's listeners joined to its own, and its own logger.
   */
  execution_options(options: Record<string, unknown>): OptionEngine {
    return new OptionEngine(this, options);
  }

  /** Updates this engine's default execution options in place. */
  update_execution_options(options: Record<string, unknown>): void {
    for (const fn of this.dispatch.listeners("set_engine_execution_options")) fn(this, options);
    this._execution_options = { ...this._execution_options, ...options };
  }

  /** Get the non-SQL options which will take effect during execution. */
  get_execution_options(): ExecutionOptions {
    return this._execution_options;
  }

  _accepts_event(identifier: string): boolean {
    return POOL_EVENTS.has(identifier) || ENGINE_EVENTS.has(identifier);
  }
  _listen_event(identifier: string, fn: Listener, options: { once?: boolean; insert?: boolean }): void {
    if (POOL_EVENTS.has(identifier)) {
      this.pool._listen(identifier as "connect", fn as never, options.once);
      return;
    }
    if (!ENGINE_EVENTS.has(identifier)) {
      throw new InvalidRequestError(`No such event '${identifier}' for target '${this.__repr__()}'`);
    }
    this.dispatch.listen(identifier, fn, options);
  }

  __repr__(): string {
    return `Engine(${this.url.render_as_string(true)})`;
  }
  toString(): string {
    return this.__repr__();
  }
}

/**
 * What `Engine.execution_options()` returns (SQLAlchemy's OptionEngine / OptionEngineMixin): the pool
 * is the parent's, read and replaced through it (dispose() here disposes the parent's pool); events
 * join one way (the parent's listeners, also those added later, fire here; listeners added here stay
 * here); the logger is its own, starting with the parent's echo.
 */
export class OptionEngine extends Engine {
  readonly _proxied: Engine;

  constructor(proxied: Engine, execution_options: Record<string, unknown>) {
    super(
      proxied.pool,
      proxied.dialect,
      proxied.url,
      {
        echo: proxied.echo,
        logging_name: proxied.logging_name,
        hide_parameters: proxied.hide_parameters,
        execution_options: proxied._execution_options,
        query_cache_size: 0,
      },
      proxied.dispatch,
    );
    this._proxied = proxied;
    this._compiled_cache = proxied._compiled_cache;
    this.update_execution_options(execution_options);
  }

  override get pool(): Pool {
    return this._proxied.pool;
  }
  override set pool(pool: Pool) {
    this._proxied.pool = pool;
  }
}

defineModule(
  "sqlalchemy.engine.base",
  Engine,
  OptionEngine,
  Connection,
  Transaction,
  RootTransaction,
  NestedTransaction,
);
