/**
 * What Session.execute() returns for an ORM SELECT (a ChunkedIteratorResult, as SQLAlchemy's
 * loading.instances() makes it) and its partitions() under yield_per / stream_results, on both
 * databases; expected from SQLAlchemy 2.0.52.
 */
import { create_engine, repr, select } from "sqlalchemy";
import { DeclarativeBase, mapped_column, Session } from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column() accessor name!: string;
}

const U = User as unknown as Record<string, any>;

eachDatabase("ORM results", ({ url }) => {
  const setup = () => {
    const engine = create_engine(url);
    Base.metadata.create_all(engine);
    const session = new Session(engine);
    session.add_all([..."abcde"].map((name) => new User({ name })));
    session.commit();
    return session;
  };

  it("an ORM SELECT's result prints as a ChunkedIteratorResult, its scalars() as a ScalarResult", () => {
    using session = setup();
    expect(repr(session.execute(select(User)))).toMatch(
      /^<sqlalchemy\.engine\.result\.ChunkedIteratorResult object at 0x[0-9a-f]+>$/,
    );
    expect(repr(session.scalars(select(User)))).toMatch(
      /^<sqlalchemy\.engine\.result\.ScalarResult object at 0x[0-9a-f]+>$/,
    );
  });

  it("yield_per=N: partitions() of N rows; stream_results with a size given: that size", () => {
    using session = setup();
    const ordered = () => select(User).order_by(U.id);
    const parts = [...session.execute(ordered().execution_options({ yield_per: 2 })).partitions()];
    expect(parts.map((p) => p.length)).toEqual([2, 2, 1]);
    const names = [
      ...session.execute(select(U.name).order_by(U.id).execution_options({ yield_per: 2 })).partitions(),
    ];
    expect(repr(names)).toBe("[[('a',), ('b',)], [('c',), ('d',)], [('e',)]]");
    const streamed = session.execute(ordered(), null, {
      execution_options: { stream_results: true, max_row_buffer: 2 },
    });
    expect([...streamed.partitions(3)].map((p) => p.length)).toEqual([3, 2]);
  });
});
