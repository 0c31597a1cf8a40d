/**
 * A mapped attribute offers its column's operators, JSON element access among them: the SQL is
 * what SQLAlchemy 2.0.52 prints for `select(Doc.data["a"])` and
 * `select(D.id).where(Doc.data["name"].as_string() == "sandy")`, and the query runs on both
 * databases.
 */
import { create_engine, JSON as JSONType, select } from "sqlalchemy";
import { DeclarativeBase, mapped_column, Session } from "sqlalchemy/orm";
import { expect, it } from "vitest";
import { eachDatabase } from "./support.ts";

class Base extends DeclarativeBase {}
class Doc extends Base {
  static __tablename__ = "json_doc";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(JSONType) accessor data!: Record<string, unknown>;
}
const D = Doc as unknown as Record<string, any>;

eachDatabase("JSON element access on a mapped attribute", ({ url }) => {
  it("renders and runs as the column's", () => {
    const engine = create_engine(url);
    Base.metadata.drop_all(engine);
    Base.metadata.create_all(engine);
    const data = D.data;
    expect(select(data.getitem("a")).toString()).toBe(
      "SELECT json_doc.data[:data_1] AS anon_1 \nFROM json_doc",
    );
    const stmt = select(D.id).where(data.getitem("name").as_string().eq("sandy"));
    expect(stmt.toString()).toBe(
      "SELECT json_doc.id \nFROM json_doc \nWHERE json_doc.data[:data_1] = :param_1",
    );
    using session = new Session(engine);
    session.add_all([new Doc({ data: { name: "spongebob" } }), new Doc({ data: { name: "sandy" } })]);
    session.flush();
    expect(session.scalars(stmt).all()).toEqual([2]);
  });
});
