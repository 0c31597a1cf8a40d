/**
 * A synchronous PostgreSQL client over PGlite's `execProtocolRawSync`: the simple Query protocol (what
 * psycopg2 sends) and the extended protocol (Parse/Bind/Execute, what asyncpg sends). This is the
 * physical session of connectors/shared_session.ts for PostgreSQL.
 */
import { protocol } from "@electric-sql/pglite";
import type { DBAPIParameters } from "../../engine/interfaces.ts";
import type { ExecResult, PhysicalSession } from "../../connectors/shared_session.ts";
import type { PgErrorFields } from "./errors.ts";
import { parseValue } from "./types.ts";

/** The slice of PGlite this client uses. */
export interface SyncProtocolPGlite {
  execProtocolRawSync(message: Uint8Array): Uint8Array;
}

/** An ErrorResponse, raised for the driver to turn into its own error class. */
export class ServerError extends Error {
  readonly fields: PgErrorFields;
  readonly query: string;
  constructor(fields: PgErrorFields, query: string) {
    super(fields.message);
    this.fields = fields;
    this.query = query;
  }
}

interface Collected {
  columns: string[] | null;
  types: number[];
  rows: unknown[][];
  command: string;
  error: PgErrorFields | null;
}

function rowcountOf(command: string): number {
  const m = /(?:INSERT \d+|UPDATE|DELETE|SELECT|MOVE|FETCH|COPY|MERGE) (\d+)$/.exec(command);
  return m ? Number(m[1]) : -1;
}

export class PGliteWire implements PhysicalSession {
  readonly begins_on_ddl = true;
  private readonly pg: SyncProtocolPGlite;
  private readonly parser = new protocol.Parser();

  constructor(pg: SyncProtocolPGlite) {
    this.pg = pg;
  }

  private roundtrip(message: Uint8Array): Collected {
    const out: Collected = { columns: null, types: [], rows: [], command: "", error: null };
    const bytes = this.pg.execProtocolRawSync(message);
    this.parser.parse(bytes, (msg: any) => {
      switch (msg.name) {
        case "rowDescription":
          // A later result set (several statements in one query) replaces the earlier one, as in psycopg2.
          out.columns = msg.fields.map((f: { name: string }) => f.name);
          out.types = msg.fields.map((f: { dataTypeID: number }) => f.dataTypeID);
          out.rows = [];
          break;
        case "dataRow": {
          const types = out.types;
          const fields = msg.fields as (string | null)[];
          const row = new Array(fields.length);
          for (let i = 0; i < fields.length; i++) row[i] = parseValue(fields[i]!, types[i]!);
          out.rows.push(row);
          break;
        }
        case "commandComplete":
          out.command = msg.text;
          break;
        case "error":
          out.error ??= {
            message: msg.message,
            code: msg.code,
            detail: msg.detail,
            hint: msg.hint,
            position: msg.position,
            where: msg.where,
          };
          break;
      }
    });
    return out;
  }

  private result(c: Collected, sql: string): ExecResult {
    if (c.error) throw new ServerError(c.error, sql);
    const returnsRows = c.columns !== null;
    return {
      columns: c.columns,
      types: c.types,
      rows: c.rows,
      rowcount: returnsRows ? c.rows.length : rowcountOf(c.command),
      lastrowid: null,
    };
  }

  /** Simple Query protocol: the SQL already has its literals in it. */
  query(sql: string): ExecResult {
    return this.result(this.roundtrip(protocol.serialize.query(sql)), sql);
  }

  /** Extended protocol with text parameters (types inferred by the server). */
  queryParams(sql: string, params: readonly (string | null)[]): ExecResult {
    const s = protocol.serialize;
    const parts = [
      s.parse({ text: sql, types: [] }),
      s.bind({ values: params as (string | null)[] }),
      s.describe({ type: "P" }),
      s.execute({}),
      s.sync(),
    ];
    const total = parts.reduce((n, p) => n + p.length, 0);
    const message = new Uint8Array(total);
    let offset = 0;
    for (const p of parts) {
      message.set(p, offset);
      offset += p.length;
    }
    return this.result(this.roundtrip(message), sql);
  }

  execute(sql: string, params: DBAPIParameters | undefined): ExecResult {
    if (params && Array.isArray(params)) return this.queryParams(sql, params as (string | null)[]);
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

  snapshot_sequences(): unknown {
    const r = this.query(
      "SELECT c.oid::regclass::text, pg_sequence_last_value(c.oid), s.seqstart FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid WHERE c.relkind = 'S'",
    );
    return r.rows;
  }

  restore_sequences(snapshot: unknown): void {
    const rows = snapshot as [string, number | null, number][];
    if (!rows.length) return;
    const calls = rows.map(([name, last, start]) =>
      last === null
        ? `setval('${name.replace(/'/g, "''")}', ${start}, false)`
        : `setval('${name.replace(/'/g, "''")}', ${last}, true)`,
    );
    this.query(`SELECT ${calls.join(", ")}`);
  }
}
