/**
 * `sqlalchemy.engine.cursor`: CursorResult — a Result whose rows come from a DBAPI cursor, plus what
 * only a cursor knows (rowcount, lastrowid, inserted_primary_key, returns_rows).
 */
import { InvalidRequestError, ResourceClosedError } from "../exc.ts";
import { type PyTuple, tuple } from "../util/pytypes.ts";
import { defineModule, repr } from "../util/repr.ts";
import type { DefaultExecutionContext } from "./default.ts";
import type { DBAPICursor, ResultProcessor } from "./interfaces.ts";
import { Result, ResultMetaData, type RowSource } from "./result.ts";

class CursorRowSource implements RowSource {
  private cursor: DBAPICursor | null;
  private buffered: unknown[][] | null;
  private pos = 0;
  constructor(cursor: DBAPICursor, buffered: unknown[][] | null) {
    this.cursor = cursor;
    this.buffered = buffered;
  }
  fetchone(): unknown[] | null {
    if (this.buffered) return this.pos < this.buffered.length ? this.buffered[this.pos++]! : null;
    return this.cursor ? this.cursor.fetchone() : null;
  }
  fetchmany(size: number): unknown[][] {
    if (this.buffered) {
      const out = this.buffered.slice(this.pos, this.pos + size);
      this.pos += out.length;
      return out;
    }
    return this.cursor ? this.cursor.fetchmany(size) : [];
  }
  fetchall(): unknown[][] {
    if (this.buffered) {
      const out = this.pos === 0 ? this.buffered : this.buffered.slice(this.pos);
      this.pos = this.buffered.length;
      return out;
    }
    return this.cursor ? this.cursor.fetchall() : [];
  }
  close(): void {
    this.cursor?.close();
    this.cursor = null;
  }
}

/** The column names of a cursor description (made once for a description the driver reuses). */
const descriptionNames = new WeakMap<readonly { name: string }[], string[]>();
function namesOf(description: readonly { name: string }[]): string[] {
  let names = descriptionNames.get(description);
  if (names === undefined) {
    names = description.map((d) => d.name);
    descriptionNames.set(description, names);
  }
  return names;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Result metadata of string statements, by cursor description. */
const rawMetadata = new WeakMap<readonly { name: string }[], ResultMetaData>();

/** The result metadata a compiled statement keeps for the last cursor description it met. */
interface CachedMetadata {
  description: readonly { name: string }[];
  readonly names: readonly string[];
  readonly md: ResultMetaData;
}

const NO_ROWS: RowSource = {
  fetchone: () => null,
  fetchmany: () => [],
  fetchall: () => [],
  close: () => {},
};

export class CursorResult extends Result {
  /** The execution context of the statement this result comes from. */
  readonly context: DefaultExecutionContext;
  /** True if this `CursorResult` returns zero or more rows. */
  readonly returns_rows: boolean;
  private readonly _rowcount: number;
  private _inserted_pk: PyTuple | null | undefined;

  constructor(context: DefaultExecutionContext) {
    const cursor = context.cursor;
    const description = cursor.description;
    const imvRows = context._insertmanyvalues_rows;
    const returns_rows = description !== null && !context._suppress_rows;
    let metadata: ResultMetaData;
    if (returns_rows) {
      metadata = CursorResult._metadataFor(context, description!);
    } else {
      metadata = new ResultMetaData([]);
    }
    super(metadata, returns_rows ? new CursorRowSource(cursor, imvRows) : NO_ROWS);
    this.context = context;
    this.returns_rows = returns_rows;
    this._rowcount = cursor.rowcount;
    const conn = context.root_connection;
    if (returns_rows && conn._echo === "debug") {
      conn._log_debug(`Col ${repr(tuple(metadata.keys))}`);
      this._echoRows = (row) => conn._log_debug(`Row ${repr(row)}`);
    }
    // `yield_per=N` execution option: partitions() yields N rows at a time
    const yield_per = context.execution_options.yield_per;
    if (yield_per !== undefined) this._yield_per = yield_per as number;
    if (!returns_rows) {
      // A result with no rows is closed at once, as SQLAlchemy's _soft_close() does.
      cursor.close();
      this._soft_closed = true;
    }
  }

  /**
   * Keys and processors: the compiled statement's result columns when it has them, else the cursor's.
   * Kept on the compiled statement, so that a cached statement also reuses its row class.
   */
  private static _metadataFor(
    context: DefaultExecutionContext,
    description: readonly { name: string }[],
  ): ResultMetaData {
    const compiled = context.compiled as ({ _cursor_metadata?: CachedMetadata } & object) | null;
    if (compiled === null) {
      // a string statement (exec_driver_sql, the dialect's own queries): by the cursor's description,
      // which the drivers reuse for the same statement, so its row class is made once too
      let md = rawMetadata.get(description);
      if (md === undefined) {
        md = new ResultMetaData(namesOf(description));
        rawMetadata.set(description, md);
      }
      return md;
    }
    const cached = compiled._cursor_metadata;
    // a driver that reuses its description for the same statement (sql.js, PGlite) hits the first test
    if (cached !== undefined && cached.description === description) return cached.md;
    const all = namesOf(description);
    const names = context._sentinel_cols ? all.slice(0, all.length - context._sentinel_cols) : all;
    if (cached !== undefined && sameNames(cached.names, names)) {
      cached.description = description;
      return cached.md;
    }
    const cols = context.compiled?._result_columns;
    const textual = context.compiled as {
      _textual_ordered_columns?: boolean;
      _loose_column_name_matching?: boolean;
    };
    let md: ResultMetaData;
    if (
      cols &&
      cols.length > 0 &&
      (textual._textual_ordered_columns || textual._loose_column_name_matching)
    ) {
      // text().columns(): the cursor's names are the keys; the columns given type them, by
      // position when given in order, else by name (CursorResultMetaData._merge_textual_cols_by_position)
      const byName = new Map(cols.map((c) => [c.keyname, c]));
      const matched = names.map((n, i) => (textual._textual_ordered_columns ? cols[i] : byName.get(n)));
      md = new ResultMetaData(names, {
        processors: matched.map((c) => (c?.processor as ResultProcessor | null) ?? null),
        objects: matched.map((c) => (c ? c.objects : [])),
      });
    } else if (cols && cols.length === names.length && cols.length > 0) {
      md = new ResultMetaData(
        cols.map((c) => c.keyname),
        {
          processors: cols.map((c) => c.processor as ResultProcessor | null),
          objects: cols.map((c) => [c.name, ...c.objects]),
        },
      );
    } else {
      md = new ResultMetaData(names);
    }
    compiled._cursor_metadata = { description, names, md };
    return md;
  }

  /** Rows matched by an UPDATE/DELETE, inserted by an INSERT; -1 (SQLite) or the row count for SELECT. */
  get rowcount(): number {
    return this._rowcount;
  }

  /** Return the 'lastrowid' accessor on the DBAPI cursor. */
  get lastrowid(): number | null {
    return this.context.cursor.lastrowid;
  }

  /** True if this `CursorResult` is the result of a executing an expression language compiled `insert()` construct. */
  get is_insert(): boolean {
    return this.context.isinsert;
  }

  /** The primary key of the row a single-row INSERT created. */
  get inserted_primary_key(): PyTuple | null {
    if (!this.context.isinsert) {
      throw new InvalidRequestError("Statement is not an insert() expression construct.");
    }
    if (this.context.executemany) {
      throw new InvalidRequestError(
        "This statement was an executemany call; if primary key returning is supported, please use .inserted_primary_key_rows.",
      );
    }
    if (this._inserted_pk === undefined) this._inserted_pk = this.context.inserted_primary_key?.() ?? null;
    return this._inserted_pk;
  }

  /** The row RETURNING brought back for `return_defaults()` (and a new primary key), or null. */
  get returned_defaults(): PyTuple | null {
    const row = this.context.returned_default_row;
    return row ? tuple(row) : null;
  }

  /** Columns whose Python-side default the execution computed (their values are in compiled_parameters). */
  prefetch_cols(): readonly unknown[] {
    const c = this.context.compiled as { insert_prefetch?: unknown[]; update_prefetch?: unknown[] } | null;
    return [...(c?.insert_prefetch ?? []), ...(c?.update_prefetch ?? [])];
  }

  /** Columns the server generated that RETURNING did not carry. */
  postfetch_cols(): readonly unknown[] {
    return (this.context.compiled as { postfetch?: unknown[] } | null)?.postfetch ?? [];
  }

  protected override _check_open(): RowSource | null {
    if (!this.returns_rows) {
      throw new ResourceClosedError(
        "This result object does not return rows. It has been closed automatically.",
      );
    }
    return super._check_open();
  }
}

defineModule("sqlalchemy.engine.cursor", CursorResult);
