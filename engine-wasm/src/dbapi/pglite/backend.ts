/**
 * Reading a PostgreSQL backend reply (protocol 3.0) that PGlite hands back whole from
 * `execProtocolRawSync`: each message is a type byte, an Int32 length (itself included) and a body.
 * Only what a client session needs is decoded: RowDescription, DataRow (text format), CommandComplete,
 * EmptyQueryResponse, ParameterDescription, ErrorResponse and ReadyForQuery.
 *
 * The reply is complete, so there is no buffering across chunks; text fields, mostly short and ASCII,
 * are decoded by hand and handed to TextDecoder only when they hold other bytes. This reader replaced
 * PGlite's streaming `protocol.Parser` because it is faster on whole replies (select 1,000 rows:
 * 8.2 → 4.8 ms in Node).
 *
 * Skipped, and why:
 * - ParseComplete, BindComplete, CloseComplete, NoData: acknowledgements with no content; the result
 *   is what follows them (NoData is a statement without a RowDescription, which is how the client
 *   already tells a statement returning no rows).
 * - PortalSuspended: comes only after an Execute with a row limit; the client always executes to
 *   completion.
 * - NoticeResponse (e.g. DROP TABLE IF EXISTS's "does not exist, skipping"): the emulated drivers
 *   keep no `connection.notices`, and SQLAlchemy logs none.
 * - ParameterStatus: reports a server setting when it changes (client_encoding, TimeZone …);
 *   nothing here depends on it (the dialect asks for standard_conforming_strings by query).
 * - NotificationResponse (LISTEN / NOTIFY): the emulated drivers offer no notifications.
 * - Authentication*, BackendKeyData, NegotiateProtocolVersion: start-up, which PGlite does itself.
 * - CopyInResponse, CopyOutResponse, CopyBothResponse, CopyData, CopyDone: COPY FROM STDIN / TO
 *   STDOUT is refused before it is sent (wire.ts).
 * - FunctionCallResponse: the client never sends a FunctionCall.
 * - DataRow in binary format: the client asks for text results only.
 */
import type { PgErrorFields } from "./errors.ts";

export interface BackendHandler {
  rowDescription(names: string[], types: number[]): void;
  /** One row: each field's text, or null for SQL NULL. */
  dataRow(fields: (string | null)[]): void;
  commandComplete(tag: string): void;
  emptyQuery(): void;
  parameterDescription(types: number[]): void;
  error(fields: PgErrorFields): void;
  readyForQuery(status: string): void;
}

const utf8 = new TextDecoder();

/** UTF-8 text of `bytes[start, end)`. */
export function decodeText(bytes: Uint8Array, start: number, end: number): string {
  if (end - start > 64) return utf8.decode(bytes.subarray(start, end));
  let s = "";
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (b >= 0x80) return utf8.decode(bytes.subarray(start, end));
    s += String.fromCharCode(b);
  }
  return s;
}

/** ErrorResponse field codes, under the names PgErrorFields uses. */
const ERROR_FIELDS: Readonly<Record<string, keyof PgErrorFields>> = {
  S: "severity",
  C: "code",
  M: "message",
  D: "detail",
  H: "hint",
  P: "position",
  p: "internalPosition",
  q: "internalQuery",
  W: "where",
  s: "schema",
  t: "table",
  c: "column",
  d: "dataType",
  n: "constraint",
};

export function readBackendMessages(reply: Uint8Array, on: BackendHandler): void {
  const view = new DataView(reply.buffer, reply.byteOffset, reply.byteLength);
  let pos = 0;
  while (pos + 5 <= reply.length) {
    const type = reply[pos]!;
    const length = view.getInt32(pos + 1);
    const start = pos + 5;
    const end = pos + 1 + length;
    pos = end;
    switch (type) {
      case 0x44: {
        // 'D' DataRow
        const count = view.getInt16(start);
        const fields = new Array<string | null>(count);
        let p = start + 2;
        for (let i = 0; i < count; i++) {
          const n = view.getInt32(p);
          p += 4;
          if (n < 0) fields[i] = null;
          else {
            fields[i] = decodeText(reply, p, p + n);
            p += n;
          }
        }
        on.dataRow(fields);
        break;
      }
      case 0x54: {
        // 'T' RowDescription: name, table oid, column number, type oid, size, modifier, format
        const count = view.getInt16(start);
        const names = new Array<string>(count);
        const types = new Array<number>(count);
        let p = start + 2;
        for (let i = 0; i < count; i++) {
          const zero = reply.indexOf(0, p);
          names[i] = decodeText(reply, p, zero);
          p = zero + 1;
          types[i] = view.getUint32(p + 6);
          p += 18;
        }
        on.rowDescription(names, types);
        break;
      }
      case 0x43: // 'C' CommandComplete
        on.commandComplete(decodeText(reply, start, reply.indexOf(0, start)));
        break;
      case 0x49: // 'I' EmptyQueryResponse
        on.emptyQuery();
        break;
      case 0x74: {
        // 't' ParameterDescription
        const count = view.getInt16(start);
        const types = new Array<number>(count);
        for (let i = 0; i < count; i++) types[i] = view.getUint32(start + 2 + 4 * i);
        on.parameterDescription(types);
        break;
      }
      case 0x45: {
        // 'E' ErrorResponse: (code byte, text) pairs up to a zero byte
        const fields: PgErrorFields = { message: "" };
        let p = start;
        while (p < end && reply[p] !== 0) {
          const code = String.fromCharCode(reply[p]!);
          const zero = reply.indexOf(0, p + 1);
          const name = ERROR_FIELDS[code];
          if (name) fields[name] = decodeText(reply, p + 1, zero);
          p = zero + 1;
        }
        on.error(fields);
        break;
      }
      case 0x5a: // 'Z' ReadyForQuery
        on.readyForQuery(String.fromCharCode(reply[start]!));
        break;
    }
  }
}
