/**
 * `sqlalchemy.engine.URL` / `make_url()`: parsing and rendering exactly as SQLAlchemy's engine/url.py.
 * `str(url)` / `repr(url)` mask the password as `***`.
 */
import { ArgumentError } from "../exc.ts";
import { defineModule } from "../util/repr.ts";

const URL_PATTERN =
  /^(?<name>[\w+]+):\/\/(?:(?<username>[^:/]*)(?::(?<password>[^@]*))?@)?(?:(?:\[(?<ipv6host>[^/?]+)\]|(?<ipv4host>[^/:?]+))?(?::(?<port>[^/?]*))?)?(?:\/(?<database>[^?]*))?(?:\?(?<query>.*))?$/s;

export type URLQuery = Readonly<Record<string, string | readonly string[]>>;

function unquote(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, "%2B"));
  } catch {
    return s;
  }
}

function quote(s: string): string {
  // Python's urllib.parse.quote(s, safe=" +")
  return s.replace(/[^A-Za-z0-9_.~ +-]/g, (c) =>
    Array.from(new TextEncoder().encode(c), (b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(
      "",
    ),
  );
}

export class URL {
  readonly drivername: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly host: string | null;
  readonly port: number | null;
  readonly database: string | null;
  readonly query: URLQuery;

  constructor(parts: {
    drivername: string;
    username?: string | null;
    password?: string | null;
    host?: string | null;
    port?: number | null;
    database?: string | null;
    query?: URLQuery;
  }) {
    this.drivername = parts.drivername;
    this.username = parts.username ?? null;
    this.password = parts.password ?? null;
    this.host = parts.host ?? null;
    this.port = parts.port ?? null;
    this.database = parts.database ?? null;
    this.query = Object.freeze({ ...(parts.query ?? {}) });
  }

  static create(
    drivername: string,
    parts: Omit<ConstructorParameters<typeof URL>[0], "drivername"> = {},
  ): URL {
    return new URL({ drivername, ...parts });
  }

  set(parts: Partial<ConstructorParameters<typeof URL>[0]>): URL {
    return new URL({ ...this, ...parts });
  }

  get_backend_name(): string {
    return this.drivername.includes("+") ? this.drivername.split("+")[0]! : this.drivername;
  }

  get_driver_name(): string | null {
    return this.drivername.includes("+") ? this.drivername.split("+")[1]! : null;
  }

  /** `render_as_string(false)` or, as Python's keyword, `render_as_string({ hide_password: false })`. */
  render_as_string(options: boolean | { hide_password?: boolean } = true): string {
    const hide_password = typeof options === "boolean" ? options : (options.hide_password ?? true);
    let s = `${this.drivername}://`;
    if (this.username !== null) {
      s += quote(this.username);
      if (this.password !== null) s += `:${hide_password ? "***" : quote(this.password)}`;
      s += "@";
    }
    if (this.host !== null) s += this.host.includes(":") ? `[${this.host}]` : this.host;
    if (this.port !== null) s += `:${this.port}`;
    if (this.database !== null) s += `/${this.database}`;
    const keys = Object.keys(this.query).sort();
    if (keys.length) {
      s += `?${keys
        .flatMap((k) => {
          const v = this.query[k]!;
          return (typeof v === "string" ? [v] : v).map((item) => `${k}=${item}`);
        })
        .join("&")}`;
    }
    return s;
  }

  toString(): string {
    return this.render_as_string(true);
  }
  __str__(): string {
    return this.render_as_string(true);
  }
  __repr__(): string {
    return this.render_as_string(true);
  }
}
defineModule("sqlalchemy.engine.url", URL);

/** `sqlalchemy.make_url()`. */
export function make_url(name_or_url: string | URL): URL {
  if (name_or_url instanceof URL) return name_or_url;
  if (typeof name_or_url !== "string") {
    throw new ArgumentError(`Expected string or URL object, got ${String(name_or_url)}`);
  }
  const m = URL_PATTERN.exec(name_or_url);
  if (!m?.groups) throw new ArgumentError("Could not parse SQLAlchemy URL from given URL string");
  const g = m.groups;
  const query: Record<string, string | string[]> = {};
  if (g.query) {
    for (const pair of g.query.split("&")) {
      if (!pair) continue;
      const [k, v = ""] = pair.split("=");
      const key = unquote(k!);
      const value = unquote(v);
      const prev = query[key];
      query[key] =
        prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev as string, value];
    }
  }
  let port: number | null = null;
  if (g.port) {
    if (!/^\d+$/.test(g.port)) throw new ArgumentError(`invalid literal for int() with base 10: '${g.port}'`);
    port = Number(g.port);
  }
  return new URL({
    drivername: g.name!,
    username: g.username !== undefined ? unquote(g.username) : null,
    password: g.password !== undefined ? unquote(g.password) : null,
    host: g.ipv6host ?? g.ipv4host ?? null,
    port,
    database: g.database !== undefined ? unquote(g.database) : null,
    query,
  });
}
