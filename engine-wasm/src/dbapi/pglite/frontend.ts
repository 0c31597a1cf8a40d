/**
 * The frontend messages a client session sends (PostgreSQL protocol 3.0): Query for the simple
 * protocol; Parse, Describe, Bind, Execute and Sync for the extended one. Each is a type byte, an
 * Int32 length (itself included) and a body; strings are UTF-8 and zero-terminated, values are sent
 * in text format.
 */

const utf8 = new TextEncoder();

class MessageWriter {
  private parts: Uint8Array[] = [];
  private size = 0;

  string(s: string): this {
    const bytes = utf8.encode(s);
    this.parts.push(bytes, ZERO);
    this.size += bytes.length + 1;
    return this;
  }
  int16(n: number): this {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setInt16(0, n);
    return this.bytes(b);
  }
  int32(n: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, n);
    return this.bytes(b);
  }
  bytes(bytes: Uint8Array): this {
    this.parts.push(bytes);
    this.size += bytes.length;
    return this;
  }
  byte(c: string): this {
    this.parts.push(Uint8Array.of(c.charCodeAt(0)));
    this.size += 1;
    return this;
  }

  /** The message: type byte, length, body. */
  message(type: string): Uint8Array {
    const out = new Uint8Array(5 + this.size);
    out[0] = type.charCodeAt(0);
    new DataView(out.buffer).setInt32(1, 4 + this.size);
    let offset = 5;
    for (const p of this.parts) {
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }
}

const ZERO = new Uint8Array(1);

/** 'Q': one or more statements, literals already in the text. */
export function query(sql: string): Uint8Array {
  return new MessageWriter().string(sql).message("Q");
}

/** 'P': prepare `sql` as the unnamed statement, letting the server infer every parameter type. */
export function parse(sql: string): Uint8Array {
  return new MessageWriter().string("").string(sql).int16(0).message("P");
}

/** 'D': describe the unnamed statement ('S': its parameter types and columns) or portal ('P'). */
export function describe(what: "S" | "P"): Uint8Array {
  return new MessageWriter().byte(what).string("").message("D");
}

/** 'B': bind text values (null: SQL NULL) to the unnamed statement, into the unnamed portal. */
export function bind(values: readonly (string | null)[]): Uint8Array {
  const w = new MessageWriter().string("").string("").int16(0).int16(values.length);
  for (const v of values) {
    if (v === null) w.int32(-1);
    else {
      const bytes = utf8.encode(v);
      w.int32(bytes.length).bytes(bytes);
    }
  }
  return w.int16(0).message("B");
}

/** 'E': run the unnamed portal to completion. */
export function execute(): Uint8Array {
  return new MessageWriter().string("").int32(0).message("E");
}

/** 'S': end of the extended-protocol exchange. */
export const SYNC: Uint8Array = new MessageWriter().message("S");
