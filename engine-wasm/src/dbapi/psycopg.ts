/**
 * `psycopg` (3) over PGlite: paramstyle `pyformat` like psycopg2 (SQLAlchemy's psycopg dialect adds
 * `::TYPE` casts to the SQL itself). Real psycopg 3 binds parameters server-side; here they are
 * interpolated as literals, which gives the same results. Errors are `psycopg.errors.<Name>` whose
 * message is libpq's with the surrounding whitespace stripped.
 */
import type { ConnectArgs, DBAPIModule } from "../engine/interfaces.ts";
import { nextAddress, PgConnection } from "./pglite/driver.ts";
import { psycopgDriver } from "./psycopg2.ts";

/** `psycopg.Connection`. */
export class PsycopgConnection extends PgConnection {
  constructor(args?: ConnectArgs) {
    const address = nextAddress();
    const self: { conn?: PgConnection } = {};
    const parts: string[] = [];
    if (args?.host) parts.push(`host=${args.host}`);
    if (args?.username && args.username !== args.database) parts.push(`user=${args.username}`);
    if (args?.database) parts.push(`database=${args.database}`);
    super(
      psycopgDriver("psycopg", () => {
        const status = self.conn?.closed ? "BAD" : self.conn?.in_transaction ? "INTRANS" : "IDLE";
        return `<psycopg.Connection [${status}]${parts.length ? ` (${parts.join(" ")})` : ""} at ${address}>`;
      }),
    );
    self.conn = this;
  }
}

export const psycopg: DBAPIModule = {
  name: "psycopg",
  paramstyle: "pyformat",
  connect: (args) => new PsycopgConnection(args),
};
