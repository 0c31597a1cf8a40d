/**
 * `sqlalchemy.engine.default`: DefaultDialect (what every dialect inherits) and
 * DefaultExecutionContext (one statement execution: parameters in, cursor out, cache stats for the log).
 */
import { ArgumentError } from "../exc.ts";
import type { Pool } from "../pool/base.ts";
import { QueuePool } from "../pool/impl.ts";
import { type DDLCompilerClass, SQLCompiler, type SQLCompilerClass } from "../sql/compiler.ts";
import { DDLCompiler } from "../sql/ddl_compiler.ts";
import { GenericTypeCompiler, type TypeCompilerClass } from "../sql/type_compiler.ts";
import { formatF, formatG } from "../util/pyformat.ts";
import { tuple, tupleOfOwn } from "../util/pytypes.ts";
import type { Connection } from "./base.ts";
import { CursorResult } from "./cursor.ts";
import type {
  BindProcessor,
  CacheStatus,
  CompiledExtras,
  CompiledLike,
  ConnectArgs,
  DBAPIConnection,
  DBAPICursor,
  DBAPIModule,
  DBAPIParameters,
  Paramstyle,
} from "./interfaces.ts";
import type { URL } from "./url.ts";

export type PoolClass = new (creator: () => DBAPIConnection, options: Record<string, unknown>) => Pool;

/** Execution styles (SQLAlchemy's ExecuteStyle). */
export type ExecuteStyle = "EXECUTE" | "EXECUTEMANY" | "INSERTMANYVALUES";

export class DefaultDialect {
  name = "default";
  driver = "";
  paramstyle: Paramstyle = "named";
  /** The driver module (Python's `dialect.dbapi` / `loaded_dbapi`). */
  dbapi: DBAPIModule | null = null;
  is_async = false;
  supports_statement_cache = true;
  supports_native_boolean = false;
  supports_multivalues_insert = true;
  use_insertmanyvalues = false;
  use_insertmanyvalues_wo_returning = false;
  insertmanyvalues_page_size = 1000;
  insert_returning = false;
  update_returning = false;
  delete_returning = false;
  postfetch_lastrowid = true;
  supports_sane_rowcount = true;
  supports_sane_multi_rowcount = true;
  supports_default_values = true;
  /** `INSERT INTO t (col) VALUES (DEFAULT)`: how an executemany of rows with no values batches. */
  supports_default_metavalue = false;
  default_metavalue_token = "DEFAULT";
  supports_empty_insert = true;
  requires_name_normalize = false;
  label_length: number | null = null;
  max_identifier_length = 9999;
  default_schema_name: string | null = null;
  server_version_info: readonly number[] | null = null;
  default_isolation_level: string | null = null;
  /** Compiler classes (sql/compiler.ts and the dialect's subclasses). */
  statement_compiler: SQLCompilerClass = SQLCompiler;
  ddl_compiler: DDLCompilerClass = DDLCompiler;
  type_compiler_cls: TypeCompilerClass = GenericTypeCompiler;
  /** The execution context class Connection makes for each execution. */
  execution_ctx_cls: typeof DefaultExecutionContext = DefaultExecutionContext;
  /** Statement cache key part that identifies this dialect. */
  _cache_token: string;
  /** Extra create_engine() arguments the dialect accepts. */
  static readonly engine_args: readonly string[] = [];

  constructor(options: Record<string, unknown> = {}) {
    this._cache_token = `${new.target.name}`;
    if (options.paramstyle) this.paramstyle = options.paramstyle as Paramstyle;
    if (options.label_length !== undefined) this.label_length = options.label_length as number;
    if (options.insertmanyvalues_page_size !== undefined) {
      this.insertmanyvalues_page_size = options.insertmanyvalues_page_size as number;
    }
    if (options.use_insertmanyvalues !== undefined)
      this.use_insertmanyvalues = !!options.use_insertmanyvalues;
  }

  get positional(): boolean {
    return (
      this.paramstyle === "qmark" ||
      this.paramstyle === "numeric" ||
      this.paramstyle === "format" ||
      this.paramstyle === "numeric_dollar"
    );
  }

  get loaded_dbapi(): DBAPIModule {
    if (!this.dbapi) throw new ArgumentError(`Dialect ${this.name}+${this.driver} has no driver module`);
    return this.dbapi;
  }

  /** The pool class SQLAlchemy picks for this URL (QueuePool unless the dialect says otherwise). */
  get_pool_class(_url: URL): PoolClass {
    return QueuePool as unknown as PoolClass;
  }

  create_connect_args(url: URL): ConnectArgs {
    return {
      database: url.database,
      host: url.host,
      port: url.port,
      username: url.username,
      password: url.password,
      query: url.query,
    };
  }

  connect(args: ConnectArgs): DBAPIConnection {
    return this.loaded_dbapi.connect(args);
  }

  /** First-connect hook: the dialect learns about the server (PostgreSQL runs its [raw sql] queries). */
  initialize(_connection: Connection): void {}

  /** Runs for every new DBAPI connection. */
  on_connect(): ((dbapi_connection: DBAPIConnection) => void) | null {
    return null;
  }

  do_begin(_dbapi_connection: DBAPIConnection): void {
    // PEP 249 drivers begin implicitly.
  }
  do_commit(dbapi_connection: DBAPIConnection): void {
    dbapi_connection.commit();
  }
  do_rollback(dbapi_connection: DBAPIConnection): void {
    dbapi_connection.rollback();
  }
  do_close(dbapi_connection: DBAPIConnection): void {
    dbapi_connection.close();
  }
  do_execute(
    cursor: DBAPICursor,
    statement: string,
    parameters: DBAPIParameters,
    _context?: DefaultExecutionContext,
  ): void {
    cursor.execute(statement, parameters);
  }
  do_execute_no_params(cursor: DBAPICursor, statement: string, _context?: DefaultExecutionContext): void {
    cursor.execute(statement);
  }
  do_executemany(
    cursor: DBAPICursor,
    statement: string,
    parameters: readonly DBAPIParameters[],
    _context?: DefaultExecutionContext,
  ): void {
    cursor.executemany(statement, parameters);
  }
  is_disconnect(_e: unknown): boolean {
    return false;
  }

  /** `()` for positional paramstyles, `{}` for named ones: what an empty parameter set looks like. */
  empty_parameters(): DBAPIParameters {
    return this.positional ? tuple([]) : {};
  }

  /** Extra create_engine() keyword arguments consumed by the dialect (others are errors). */
  static dialect_args(): readonly string[] {
    return DefaultDialect.engine_args;
  }
}

/** One parameter set in the order of the compiled statement's positional binds, processed. */
function _positional(
  cp: Record<string, unknown>,
  positiontup: readonly string[],
  processors: Readonly<Record<string, BindProcessor>> | null,
): DBAPIParameters {
  const n = positiontup.length;
  const values: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const key = positiontup[i]!;
    const v = cp[key];
    const p = processors === null ? undefined : processors[key];
    values[i] = p !== undefined && v !== null && v !== undefined ? p(v) : (v ?? null);
  }
  return tupleOfOwn(values);
}

/** One named parameter set with its values processed. */
function _processed(
  cp: Record<string, unknown>,
  processors: Readonly<Record<string, BindProcessor>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(cp)) {
    const v = cp[key];
    const p = processors[key];
    out[key] = p !== undefined && v !== null && v !== undefined ? p(v) : v;
  }
  return out;
}

/** One execution: SQLAlchemy's DefaultExecutionContext. */
const FOR_EXECUTE = Object.freeze({ for_executemany: false });
const FOR_EXECUTEMANY = Object.freeze({ for_executemany: true });

export class DefaultExecutionContext {
  readonly dialect: DefaultDialect;
  readonly root_connection: Connection;
  readonly execution_options: Readonly<Record<string, unknown>>;
  compiled: (CompiledLike & CompiledExtras) | null = null;
  cache_hit: CacheStatus | "raw" = "raw";
  statement = "";
  /** Driver parameters, one entry per parameter set. */
  parameters: DBAPIParameters[] = [];
  private _compiled_parameters: Record<string, unknown>[] | null = [];
  /** What `compiled_parameters` is made of when it was not needed to make `parameters`. */
  private _given: readonly Readonly<Record<string, unknown>>[] = [];
  private _extracted: readonly unknown[] | null = null;

  /** One dict per parameter set: the compiled statement's binds and their values. */
  get compiled_parameters(): Record<string, unknown>[] {
    if (this._compiled_parameters === null) {
      const compiled = this.compiled!;
      const given = this._given;
      const extracted = this._extracted;
      const opts = given.length > 1 ? FOR_EXECUTEMANY : FOR_EXECUTE;
      this._compiled_parameters =
        given.length === 0
          ? [compiled.construct_params(null, extracted, opts)]
          : given.map((p) => compiled.construct_params(p, extracted, opts));
    }
    return this._compiled_parameters;
  }
  set compiled_parameters(value: Record<string, unknown>[]) {
    this._compiled_parameters = value;
  }
  execute_style: ExecuteStyle = "EXECUTE";
  isinsert = false;
  isupdate = false;
  isdelete = false;
  isddl = false;
  is_text = false;
  no_parameters = false;
  cursor!: DBAPICursor;
  invoked_statement: unknown = null;
  /** Rows returned by the batches of an insertmanyvalues execution. */
  _insertmanyvalues_rows: unknown[][] | null = null;
  /** Trailing sentinel columns of an ordered insertmanyvalues RETURNING, not shown in the result. */
  _sentinel_cols = 0;
  _gen_time = 0;

  constructor(
    dialect: DefaultDialect,
    connection: Connection,
    execution_options: Readonly<Record<string, unknown>>,
  ) {
    this.dialect = dialect;
    this.root_connection = connection;
    this.execution_options = execution_options;
  }

  get executemany(): boolean {
    return this.execute_style !== "EXECUTE";
  }

  /** A statement given as a string (`exec_driver_sql`, the dialect's own queries). */
  static _init_statement(
    this: typeof DefaultExecutionContext,
    dialect: DefaultDialect,
    connection: Connection,
    dbapi_connection: DBAPIConnection,
    execution_options: Readonly<Record<string, unknown>>,
    statement: string,
    parameters: readonly DBAPIParameters[],
  ): DefaultExecutionContext {
    const self = new this(dialect, connection, execution_options);
    self.is_text = true;
    self.statement = statement;
    if (parameters.length === 0) {
      self.parameters = [dialect.empty_parameters()];
      self.no_parameters = true;
    } else {
      self.parameters = parameters.map((p) => (Array.isArray(p) ? tuple(p) : p));
      if (parameters.length > 1) self.execute_style = "EXECUTEMANY";
    }
    self.cursor = dbapi_connection.cursor();
    return self;
  }

  /** A compiled statement (text(), select(), insert() …). */
  static _init_compiled(
    this: typeof DefaultExecutionContext,
    dialect: DefaultDialect,
    connection: Connection,
    dbapi_connection: DBAPIConnection,
    execution_options: Readonly<Record<string, unknown>>,
    compiled: CompiledLike & CompiledExtras,
    parameters: readonly Record<string, unknown>[],
    invoked_statement: unknown,
    extracted_parameters: readonly unknown[] | null,
    cache_hit: CacheStatus,
  ): DefaultExecutionContext {
    const self = new this(dialect, connection, execution_options);
    self.compiled = compiled;
    self.cache_hit = cache_hit;
    self.invoked_statement = invoked_statement;
    self.isinsert = compiled.isinsert;
    self.isupdate = compiled.isupdate;
    self.isdelete = compiled.isdelete;
    self.isddl = compiled.isddl;
    self._gen_time = compiled._gen_time;

    let statement = compiled.string;
    let positiontup = compiled.positiontup;
    const n = parameters.length;
    // Binds that need a processor are known once the statement is compiled (expanding IN adds
    // processors only for binds that already have one), so whether there are any is cached.
    compiled._has_bind_processors ??= Object.keys(compiled._bind_processors).length > 0;
    const insertmanyvalues =
      n > 1 && self.isinsert && compiled._insertmanyvalues && compiled._deliver_insertmanyvalues_batches;
    if (
      positiontup !== null &&
      compiled.construct_positional &&
      !compiled._has_bind_processors &&
      !compiled._process_parameters_for_postcompile &&
      !compiled._has_callable_defaults &&
      !insertmanyvalues
    ) {
      // positional parameter sets needing no processing: their values go straight into the
      // driver's tuples; the dicts of compiled_parameters are made only if something reads them
      const driverParams: DBAPIParameters[] = new Array(n === 0 ? 1 : n);
      if (n === 0) driverParams[0] = tupleOfOwn(compiled.construct_positional(null, extracted_parameters));
      for (let i = 0; i < n; i++)
        driverParams[i] = tupleOfOwn(compiled.construct_positional(parameters[i]!, extracted_parameters));
      if (n > 1) self.execute_style = "EXECUTEMANY";
      self.parameters = driverParams;
      self._compiled_parameters = null;
      self._given = parameters;
      self._extracted = extracted_parameters;
      self.statement = statement;
      self.cursor = dbapi_connection.cursor();
      return self;
    }
    const opts = n > 1 ? FOR_EXECUTEMANY : FOR_EXECUTE;
    let compiled_parameters: Record<string, unknown>[];
    let bind_processors = compiled._bind_processors;
    if (n === 0) {
      compiled_parameters = [compiled.construct_params(null, extracted_parameters, opts)];
    } else if (n === 1) {
      compiled_parameters = [compiled.construct_params(parameters[0], extracted_parameters, opts)];
    } else {
      compiled_parameters = new Array(n);
      for (let i = 0; i < n; i++)
        compiled_parameters[i] = compiled.construct_params(parameters[i], extracted_parameters, opts);
      self.execute_style = insertmanyvalues ? "INSERTMANYVALUES" : "EXECUTEMANY";
    }
    if (compiled._process_parameters_for_postcompile) {
      // Expanding IN: the statement text depends on this execution's values (one parameter set).
      const expanded = compiled._process_parameters_for_postcompile(compiled_parameters[0]!);
      statement = expanded.statement;
      positiontup = expanded.positiontup;
      compiled_parameters = [expanded.parameters];
      bind_processors = expanded.processors;
    }
    self.compiled_parameters = compiled_parameters;
    self.statement = statement;
    self.cursor = dbapi_connection.cursor();

    const processors = compiled._has_bind_processors ? bind_processors : null;
    const m = compiled_parameters.length;
    const out: DBAPIParameters[] = new Array(m);
    for (let i = 0; i < m; i++) {
      const cp = compiled_parameters[i]!;
      out[i] = positiontup
        ? _positional(cp, positiontup, processors)
        : processors
          ? _processed(cp, processors)
          : cp;
    }
    self.parameters = out;
    return self;
  }

  /** The bracket of the parameters log line: "generated in 0.00012s", "cached since 1.2s ago" … */
  _get_cache_stats(): string {
    if (this.compiled === null) return "raw sql";
    const elapsed = (performance.now() - this._gen_time) / 1000;
    switch (this.cache_hit) {
      case "no_key":
        return `no key ${formatF(elapsed, 5)}s`;
      case "cached":
        return `cached since ${formatG(elapsed)}s ago`;
      case "generated":
        return `generated in ${formatF(elapsed, 5)}s`;
      case "disabled": {
        const reason = this.execution_options._cache_disable_reason;
        return reason
          ? `caching disabled (${String(reason)}) ${formatF(elapsed, 5)}s`
          : `caching disabled ${formatF(elapsed, 5)}s`;
      }
      default:
        return "raw sql";
    }
  }

  /** The new row's primary key: from RETURNING, the parameters, or the cursor's lastrowid. */
  inserted_primary_key(): ReturnType<typeof tuple> | null {
    const keys = this.compiled?._primary_key_keys;
    if (!keys || keys.length === 0) return null;
    const params = this.compiled_parameters[0] ?? {};
    const returned = this._returned_primary_key;
    return tuple(
      keys.map((k, i) => {
        if (returned && returned[i] !== undefined) return returned[i];
        const v = params[k];
        if (v !== undefined && v !== null) return v;
        return keys.length === 1 ? this.cursor.lastrowid : null;
      }),
    );
  }
  /** Set when the INSERT's RETURNING delivered the primary key. */
  _returned_primary_key: unknown[] | null = null;

  /** The INSERT's RETURNING was added by the compiler to learn the new primary key; it gives no rows. */
  _suppress_rows = false;

  /** The row of the compiler's own RETURNING (`result.returned_defaults`), one per effective_returning column. */
  returned_default_row: unknown[] | null = null;

  pre_exec(): void {}
  post_exec(): void {
    const compiled = this.compiled as
      | (CompiledLike & {
          _implicit_returning?: boolean;
          _primary_key_keys?: readonly string[];
          effective_returning?: readonly { primary_key?: boolean; key?: string | null }[] | null;
        })
      | null;
    if (compiled?._implicit_returning && !this.executemany && this.cursor.description) {
      const row = this.cursor.fetchone();
      this._suppress_rows = true;
      this.returned_default_row = row;
      if (row && this.isinsert) {
        const cols = compiled.effective_returning ?? [];
        const keys = compiled._primary_key_keys ?? [];
        this._returned_primary_key = keys.map((k) => {
          const i = cols.findIndex((c) => c.primary_key && c.key === k);
          return i >= 0 ? row[i] : undefined;
        });
      }
    }
  }

  /** Builds the CursorResult once the cursor has run. */
  _setup_result_proxy(): CursorResult {
    return new CursorResult(this);
  }
}
