/**
 * QueuePool with pool_size=5, max_overflow=10, pool_timeout=0.1: the 16th checkout times out.
 *
 * engine.pool.status() is printed at several points. Overflow connections are discarded when
 * returned; the 5 "pooled" ones are kept.
 */
import { create_engine, str, text } from "sqlalchemy";

const BACKEND = process.env.ORACLE_BACKEND ?? "sqlite";
const URL = {
  sqlite: "sqlite:///oracle.db",
  postgresql: "postgresql+psycopg2://oracle:oracle@127.0.0.1:54329/oracle",
}[BACKEND]!;

function show_error(err: any): void {
  print(`!! ${err.constructor.__module__}.${err.constructor.name}: ${str(err)}`);
}

/** Python's time.monotonic(), in seconds. */
const monotonic = () => performance.now() / 1000;

const engine = create_engine(URL, { echo: true, pool_size: 5, max_overflow: 10, pool_timeout: 0.1 });
const pool = engine.pool;
print("pool:", pool.constructor.name);
print("status at start:", pool.status());

const conns = [];
for (let i = 1; i < 16; i++) {
  conns.push(engine.connect());
  if ([1, 5, 6, 15].includes(i)) {
    print(`status with ${i} checked out:`, pool.status());
  }
}
print(
  "size() checkedin() checkedout() overflow():",
  pool.size(),
  pool.checkedin(),
  pool.checkedout(),
  pool.overflow(),
);

print("## the 16th connect()");
const start = monotonic();
try {
  conns.push(engine.connect());
} catch (err) {
  show_error(err);
  // Python's built-in TimeoutError; a JavaScript platform signals a timeout with a DOMException named "TimeoutError"
  print("is the builtin TimeoutError:", err instanceof DOMException && err.name === "TimeoutError");
  print("waited at least pool_timeout:", monotonic() - start >= 0.1);
}
print("status after the timeout:", pool.status());

print("## return 3 connections");
for (const c of conns.slice(0, 3)) {
  c.close();
}
print("status:", pool.status());

print("## connect() works again (reuses a pooled connection)");
const extra = engine.connect();
print("status:", pool.status());
extra.close();

print("## return everything");
for (const c of conns.slice(3)) {
  c.close();
}
print("status:", pool.status());

print("## a checked-out connection is reused after close()");
{
  using conn = engine.connect();
  print(conn.execute(text("SELECT 42")).scalar());
  print("status inside:", pool.status());
}
print("status after:", pool.status());

print("## engine.dispose() closes the pooled connections");
engine.dispose();
print("status after dispose():", engine.pool.status());

print("## pool_size=1, max_overflow=0, pool_timeout=1");
const small = create_engine(URL, { pool_size: 1, max_overflow: 0, pool_timeout: 1 });
const held = small.connect();
try {
  small.connect();
} catch (err) {
  show_error(err);
}
print("status:", small.pool.status());
held.close();
print("status:", small.pool.status());
