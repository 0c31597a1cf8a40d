/**
 * A synchronous PostgreSQL client over PGlite's `execProtocolRawSync` (usable once PGlite has
 * started): messages are written by PGlite's own `protocol.serialize` (taken from the module
 * runtime.ts loaded, so nothing here imports PGlite and a SQLite-only page never downloads it), and
 * the reply, which comes back whole, is read by backend.ts. (A hand-written writer built a simple
 * Query about 2 µs faster; `npm run bench`'s PostgreSQL rows do not show the difference.)
 *
 * - `query(sql)`: the simple Query protocol, what psycopg2 sends (literals already in the SQL).
 *   Several statements in one string run as one implicit transaction and, as libpq's PQexec,
 *   the result is the last statement's.
 * - `extended(sql, values)`: Parse/Describe, then Bind/Describe/Execute/Sync with each value
 *   encoded for the parameter type the server reports, as asyncpg does.
 *
 * An ErrorResponse is thrown as a `ServerError`; the session stays usable (inside a transaction
 * PostgreSQL itself then refuses statements with 25P02 until ROLLBACK). This is also the physical
 * session of connectors/shared_session.ts for PostgreSQL.
 */
import { keywords } from "../../connectors/classify.ts";
import { POSTGRESQL } from "../../connectors/scanner.ts";
import type { ExecResult, PhysicalSession, SequencePositions } from "../../connectors/shared_session.ts";
import type { DBAPIParameters } from "../../engine/interfaces.ts";
import { CodecError, encodeParameter } from "./asyncpg_codecs.ts";
import { readBackendMessages } from "./backend.ts";
import type { PgErrorFields } from "./errors.ts";
import { getSerializer } from "./runtime.ts";
import { parseValue } from "./types.ts";

/** The slice of PGlite this client uses. */
export interface SyncProtocolPGlite {
  execProtocolRawSync(message: Uint8Array): Uint8Array;
}

/** PGlite's `protocol.serialize`: the frontend messages. */
export type Serializer = ReturnType<typeof getSerializer>;

/** An ErrorResponse from the server to `query` (the SQL text as sent). */
export class ServerError extends Error {
  readonly fields: PgErrorFields;
  readonly query: string;
  constructor(fields: PgErrorFields, query: string) {
    super(fields.message);
    this.fields = fields;
    this.query = query;
  }
}

/** The query string held no statement (libpq's PGRES_EMPTY_QUERY). */
export class EmptyQueryError extends Error {
  constructor() {
    super("can't execute an empty query");
  }
}

/** `COPY … FROM STDIN` / `TO STDOUT` through execute(): the drivers need their copy methods for that. */
export class CopyNotSupportedError extends Error {
  readonly direction: "FROM" | "TO";
  constructor(direction: "FROM" | "TO") {
    super(
      direction === "FROM"
        ? "can't execute COPY FROM: use the copy_from() method instead"
        : "can't execute COPY TO: use the copy_to() method instead",
    );
    this.direction = direction;
  }
}

/** A parameter value that the codec of its server-side type refuses (asyncpg raises DataError). */
export class ParameterEncodeError extends Error {
  /** 0-based. */
  readonly index: number;
  readonly value: unknown;
  constructor(index: number, value: unknown, reason: string) {
    super(reason);
    this.index = index;
    this.value = value;
  }
}

/** What one statement produced, plus the command tag (`INSERT 0 1`). */
export interface WireResult extends ExecResult {
  readonly columns: string[] | null;
  readonly types: number[];
  readonly command: string;
}

/** ReadyForQuery's transaction status: idle, in a transaction block, in a failed one. */
export type TransactionStatus = "I" | "T" | "E";

interface Collected {
  columns: string[] | null;
  types: number[];
  rows: unknown[][];
  command: string;
  /** The current statement has sent its RowDescription. */
  described: boolean;
  empty: boolean;
  error: PgErrorFields | null;
  paramTypes: number[] | null;
}

const ROWCOUNT = /^(?:INSERT \d+|UPDATE|DELETE|SELECT|MOVE|FETCH|COPY|MERGE) (\d+)$/;

/** libpq's PQcmdTuples: the count at the end of the command tag, -1 when it has none. */
export function rowcountOf(command: string): number {
  const m = ROWCOUNT.exec(command);
  return m ? Number(m[1]) : -1;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * PGlite's backend reads COPY data from its own standard input, which would end the process: COPY
 * FROM STDIN / TO STDOUT is refused before it is sent (psycopg2 refuses it too, pointing to its copy
 * methods).
 */
function refuseCopy(sql: string): void {
  if (!/copy/i.test(sql)) return;
  const words = keywords(sql, POSTGRESQL);
  if (!words.includes("copy")) return;
  if (words.includes("stdin")) throw new CopyNotSupportedError("FROM");
  if (words.includes("stdout")) throw new CopyNotSupportedError("TO");
}

export class PGliteWire implements PhysicalSession {
  /** psycopg2 and asyncpg open a transaction before any statement, DDL included. */
  readonly begins_on_ddl = true;
  readonly sql_rules = POSTGRESQL;
  /** The transaction status after the last exchange. */
  status: TransactionStatus = "I";
  private readonly pg: SyncProtocolPGlite;
  private readonly serialize: Serializer;
  private readonly sync: Uint8Array;

  constructor(pg: SyncProtocolPGlite, serialize: Serializer = getSerializer()) {
    this.pg = pg;
    this.serialize = serialize;
    this.sync = serialize.sync();
  }

  private exchange(message: Uint8Array): Collected {
    const c: Collected = {
      columns: null,
      types: [],
      rows: [],
      command: "",
      described: false,
      empty: false,
      error: null,
      paramTypes: null,
    };
    const reply = this.pg.execProtocolRawSync(message);
    readBackendMessages(reply, {
      rowDescription(names, types) {
        c.columns = names;
        c.types = types;
        c.rows = [];
        c.described = true;
        c.empty = false;
      },
      dataRow(fields) {
        const types = c.types;
        const row = new Array(fields.length);
        for (let i = 0; i < fields.length; i++) row[i] = parseValue(fields[i]!, types[i]!);
        c.rows.push(row);
      },
      commandComplete(tag) {
        // A statement that sent no RowDescription produced no rows: an earlier SELECT's rows go.
        if (!c.described) {
          c.columns = null;
          c.types = [];
          c.rows = [];
        }
        c.described = false;
        c.empty = false;
        c.command = tag;
      },
      emptyQuery() {
        c.empty = true;
      },
      parameterDescription(types) {
        c.paramTypes = types;
      },
      error(fields) {
        c.error ??= fields;
      },
      readyForQuery: (status) => {
        this.status = status as TransactionStatus;
      },
    });
    return c;
  }

  private result(c: Collected, sql: string): WireResult {
    if (c.error) throw new ServerError(c.error, sql);
    if (c.empty) throw new EmptyQueryError();
    return {
      columns: c.columns,
      types: c.types,
      rows: c.rows,
      rowcount: c.columns !== null ? c.rows.length : rowcountOf(c.command),
      lastrowid: null,
      command: c.command,
    };
  }

  /** Simple Query protocol: the SQL already has its literals in it. */
  query(sql: string): WireResult {
    refuseCopy(sql);
    return this.result(this.exchange(this.serialize.query(sql)), sql);
  }

  /** Parse + Describe of the unnamed statement: the parameter types the server infers. */
  describe(sql: string): { paramTypes: number[]; columns: string[] | null; types: number[] } {
    const ser = this.serialize;
    const c = this.exchange(concat([ser.parse({ text: sql }), ser.describe({ type: "S" }), this.sync]));
    if (c.error) throw new ServerError(c.error, sql);
    return { paramTypes: c.paramTypes ?? [], columns: c.columns, types: c.types };
  }

  /**
   * Extended protocol, as asyncpg runs a statement: prepare, encode each value for its parameter's
   * type (a ParameterEncodeError when the codec refuses it), bind, execute.
   */
  extended(sql: string, values: readonly unknown[]): WireResult {
    refuseCopy(sql);
    let bindValues: (string | null)[] = [];
    if (values.length) {
      const { paramTypes } = this.describe(sql);
      if (paramTypes.length !== values.length) {
        throw new ParameterEncodeError(
          -1,
          values,
          `the server expects ${paramTypes.length} argument${paramTypes.length === 1 ? "" : "s"} for this query, ${values.length} ${values.length === 1 ? "was" : "were"} passed`,
        );
      }
      bindValues = values.map((v, i) => {
        try {
          return encodeParameter(v, paramTypes[i]!);
        } catch (err) {
          if (err instanceof CodecError) throw new ParameterEncodeError(i, v, err.message);
          throw err;
        }
      });
    }
    const ser = this.serialize;
    const parts = [ser.bind({ values: bindValues }), ser.describe({ type: "P" }), ser.execute(), this.sync];
    if (!values.length) parts.unshift(ser.parse({ text: sql }));
    return this.result(this.exchange(concat(parts)), sql);
  }

  /** PhysicalSession: no parameters → simple Query protocol; a sequence → extended protocol. */
  execute(sql: string, params: DBAPIParameters | undefined): WireResult {
    if (Array.isArray(params)) return this.extended(sql, params);
    return this.query(sql);
  }

  begin(): void {
    this.query("BEGIN");
  }
  commit(): void {
    this.query("COMMIT");
  }
  rollback(): void {
    this.query("ROLLBACK");
  }

  /**
   * Every sequence's position (SharedSession's lazy hooks): its last value handed out, or
   * `start - increment` when it has never been called. Sequences are not transactional, so in a
   * failed transaction (where no query runs) the positions are read after rolling it back.
   */
  read_sequences(): SequencePositions {
    if (this.status === "E") this.rollback();
    const rows = this.query(SEQUENCES).rows as [
      string,
      number | bigint | null,
      number | bigint,
      number | bigint,
    ][];
    return new Map(
      rows.map(([name, last, start, inc]) => [name, Number(last ?? Number(start) - Number(inc))]),
    );
  }

  /** Puts sequences at the given positions (`start - increment`: as if never called). */
  set_sequences(positions: SequencePositions): void {
    if (!positions.size) return;
    const rows = this.query(SEQUENCES).rows as [string, unknown, number | bigint, number | bigint][];
    const calls: string[] = [];
    for (const [name, , start, inc] of rows) {
      const value = positions.get(name);
      if (value === undefined) continue;
      const quoted = `'${name.replace(/'/g, "''")}'`;
      const fresh = value === Number(start) - Number(inc);
      calls.push(fresh ? `setval(${quoted}, ${start}, false)` : `setval(${quoted}, ${value}, true)`);
    }
    if (calls.length) this.query(`SELECT ${calls.join(", ")}`);
  }
}

const SEQUENCES =
  "SELECT quote_ident(schemaname) || '.' || quote_ident(sequencename), last_value, start_value, increment_by FROM pg_catalog.pg_sequences";
