/**
 * The pool's debug log on check-in, on both databases, in SQLAlchemy's order (pool/base.py
 * `_finalize_fairy` and `_ConnectionFairy._reset`): "being returned to pool", then the reset that
 * ran — "reset, transaction already reset" when the Connection had just rolled back its
 * transaction, "rollback-on-return" / "commit-on-return" when the pool itself resets — and the
 * `reset` and `checkin` events after that.
 */

import { create_engine, event, text } from "sqlalchemy";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

eachDatabase("pool check-in log", ({ url }) => {
  const out = captureOutput();
  /** The log messages from the first BEGIN on, with the connection's repr shortened to `<conn>`. */
  const log = () => {
    const lines = out
      .sql()
      .map((l) =>
        l.replace(/^Connection <.*?>( |$)/s, "Connection <conn>$1").replace(/^\[.*\] .*$/, "[params]"),
      );
    return lines.slice(lines.indexOf("BEGIN (implicit)"));
  };
  const setup = (options: Record<string, unknown> = {}) => {
    const engine = create_engine(url, { echo: true, echo_pool: "debug", ...options });
    engine.connect().close(); // first connect out of the way
    out.clear();
    return engine;
  };

  it("after the Connection rolled back its transaction: reset, transaction already reset", () => {
    const engine = setup();
    {
      using conn = engine.connect();
      conn.execute(text("SELECT 1"));
    }
    expect(log()).toEqual([
      "BEGIN (implicit)",
      "SELECT 1",
      "[params]",
      "ROLLBACK",
      "Connection <conn> being returned to pool",
      "Connection <conn> reset, transaction already reset",
    ]);
  });

  it("after a commit the pool resets the connection itself: rollback-on-return", () => {
    const engine = setup();
    {
      using conn = engine.connect();
      conn.execute(text("SELECT 1"));
      conn.commit();
    }
    expect(log()).toEqual([
      "BEGIN (implicit)",
      "SELECT 1",
      "[params]",
      "COMMIT",
      "Connection <conn> being returned to pool",
      "Connection <conn> rollback-on-return",
    ]);
  });

  it("pool_reset_on_return='commit' logs commit-on-return; the reset and checkin events come after", () => {
    const engine = setup({ pool_reset_on_return: "commit" });
    const events: string[] = [];
    event.listens_for(
      engine,
      "reset",
    )(function on_reset(_dbapi: unknown, _record: unknown, state: any) {
      events.push(`reset transaction_was_reset=${state.transaction_was_reset}`);
    });
    event.listens_for(
      engine,
      "checkin",
    )(function on_checkin() {
      events.push(`checkin after ${log().length} log lines`);
    });
    {
      using conn = engine.connect();
      conn.execute(text("SELECT 1"));
      conn.commit();
    }
    expect(log().slice(-2)).toEqual([
      "Connection <conn> being returned to pool",
      "Connection <conn> commit-on-return",
    ]);
    expect(events).toEqual(["reset transaction_was_reset=false", "checkin after 6 log lines"]);
  });
});
