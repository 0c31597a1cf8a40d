/**
 * Result.yield_per() and partitions(), on both databases: the lists partitions() yields are as long
 * as yield_per() says, also when set on a ScalarResult (which passes it to its Result, as
 * SQLAlchemy's FilterResult does).
 */
import { create_engine, repr, text } from "sqlalchemy";
import { expect, it } from "vitest";
import { eachDatabase } from "./support.ts";

eachDatabase("Result partitions", ({ url }) => {
  it("yields lists of the yield_per() size", () => {
    const engine = create_engine(url);
    using conn = engine.connect();
    const sql = text("SELECT x FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 3) AS t ORDER BY x");
    const scalars = conn.execute(sql).scalars();
    expect(scalars.yield_per(2)).toBe(scalars);
    expect(repr([...scalars.partitions()])).toBe("[[1, 2], [3]]");
    expect(repr([...conn.execute(sql).yield_per(1).partitions()])).toBe("[[(1,)], [(2,)], [(3,)]]");
    expect(repr([...conn.execute(sql).partitions(2)])).toBe("[[(1,), (2,)], [(3,)]]");
  });
});
