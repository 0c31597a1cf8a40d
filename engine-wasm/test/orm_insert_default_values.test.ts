/**
 * Objects whose rows have no values of their own (a table of a primary key alone): one is an
 * `INSERT … DEFAULT VALUES`, several are an executemany that SQLAlchemy rewrites as
 * `INSERT … (id) VALUES (DEFAULT)` — NULL on SQLite — so that insertmanyvalues can return their new
 * keys, which the children's foreign keys then take. The expected SQL is what SQLAlchemy 2.0.52
 * printed for the same mapping (SQLite, and PostgreSQL 15 with psycopg2).
 */
import { create_engine, ForeignKey } from "sqlalchemy";
import { DeclarativeBase, mapped_column, relationship, Session } from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { captureOutput, eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}
class Parent extends Base {
  static __tablename__ = "parent";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @relationship(() => Child) accessor children!: Child[];
}
class Child extends Base {
  static __tablename__ = "child";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(ForeignKey("parent.id")) accessor parent_id!: number;
}

eachDatabase("rows with no values", ({ kind, url }) => {
  const out = captureOutput();
  const pg = kind === "postgresql";

  it("several are batched with DEFAULT (NULL on SQLite) and their keys reach the children", () => {
    const engine = create_engine(url);
    Base.metadata.drop_all(engine);
    Base.metadata.create_all(engine);
    engine.echo = true;
    out.clear();
    const parents = [
      new Parent({ children: [new Child(), new Child()] }),
      new Parent({ children: [new Child()] }),
    ];
    using session = new Session(engine);
    session.add_all(parents);
    session.commit();
    const log = out.sql();
    // the children's foreign keys are the parents' new keys (read after commit: loaded again)
    expect(parents.map((p) => p.children.map((c) => c.parent_id))).toEqual([[1, 1], [2]]);
    session.close();
    expect(log).toEqual(
      pg
        ? [
            "BEGIN (implicit)",
            "INSERT INTO parent (id) VALUES (DEFAULT), (DEFAULT) RETURNING parent.id, parent.id AS id__1",
            "[generated in Xs (insertmanyvalues) 1/1 (ordered)] {}",
            "INSERT INTO child (parent_id) SELECT p0::INTEGER FROM (VALUES (%(parent_id__0)s, 0), (%(parent_id__1)s, 1), (%(parent_id__2)s, 2)) AS imp_sen(p0, sen_counter) ORDER BY sen_counter RETURNING child.id, child.id AS id__1",
            "[generated in Xs (insertmanyvalues) 1/1 (ordered)] {'parent_id__0': 1, 'parent_id__1': 1, 'parent_id__2': 2}",
            "COMMIT",
          ]
        : [
            "BEGIN (implicit)",
            "INSERT INTO parent (id) VALUES (NULL) RETURNING id",
            "[generated in Xs (insertmanyvalues) 1/2 (ordered; batch not supported)] ()",
            "INSERT INTO parent (id) VALUES (NULL) RETURNING id",
            "[insertmanyvalues 2/2 (ordered; batch not supported)] ()",
            "INSERT INTO child (parent_id) VALUES (?) RETURNING id",
            "[generated in Xs (insertmanyvalues) 1/3 (ordered; batch not supported)] (1,)",
            "INSERT INTO child (parent_id) VALUES (?) RETURNING id",
            "[insertmanyvalues 2/3 (ordered; batch not supported)] (1,)",
            "INSERT INTO child (parent_id) VALUES (?) RETURNING id",
            "[insertmanyvalues 3/3 (ordered; batch not supported)] (2,)",
            "COMMIT",
          ],
    );
    out.clear();
    {
      using one = new Session(engine);
      one.add(new Parent());
      one.commit();
    }
    expect(out.sql()).toEqual([
      "BEGIN (implicit)",
      pg ? "INSERT INTO parent DEFAULT VALUES RETURNING parent.id" : "INSERT INTO parent DEFAULT VALUES",
      pg ? "[generated in Xs] {}" : "[generated in Xs] ()",
      "COMMIT",
    ]);
  });
});
