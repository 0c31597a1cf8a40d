/**
 * Select.column_descriptions, UpdateBase.entity_description and returning_column_descriptions for
 * ORM and Core statements (expected from SQLAlchemy 2.0.52).
 */
import { delete_, ForeignKey, func, insert, repr, String as StringType, select, update } from "sqlalchemy";
import { aliased, DeclarativeBase, mapped_column } from "sqlalchemy/orm";
import { expect, it } from "vitest";

class Base extends DeclarativeBase {}

class User extends Base {
  static __tablename__ = "user_account";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(StringType(30)) accessor name!: string;
}

class Address extends Base {
  static __tablename__ = "address";
  @mapped_column({ primary_key: true }) accessor id!: number;
  @mapped_column(ForeignKey("user_account.id")) accessor user_id!: number;
  @mapped_column() accessor email!: string;
}

const U = User as unknown as Record<string, any>;
const user_table = U.__table__;
const address_table = (Address as unknown as Record<string, any>).__table__;

/** Each description with its type as repr() shows it and its expr / entity by what they are. */
function shown(descriptions: Record<string, unknown>[]) {
  return descriptions.map((d) =>
    Object.fromEntries(
      Object.entries(d).map(([k, v]) => [k, k === "type" && typeof v === "object" ? repr(v) : v]),
    ),
  );
}

it("an ORM select(): entities and attributes, a repeated name numbered, a labelled expression with no entity", () => {
  const ua = aliased(User, { name: "u2" });
  const d = shown(select(U.name, (ua as any).name, Address).column_descriptions);
  expect(d).toEqual([
    { name: "name", type: "String(length=30)", aliased: false, expr: U.name, entity: User },
    { name: "name_1", type: "String(length=30)", aliased: true, expr: (ua as any).name, entity: ua },
    { name: "Address", type: Address, aliased: false, expr: Address, entity: Address },
  ]);
  const n = func.count().label("n");
  expect(shown(select(U.id, n).column_descriptions)).toEqual([
    { name: "id", type: "Integer()", aliased: false, expr: U.id, entity: User },
    { name: "n", type: "Integer()", aliased: false, expr: n, entity: null },
  ]);
});

it("a Core select(): name, type and expr of each column, a repeated name numbered", () => {
  expect(shown(select(user_table, address_table).column_descriptions)).toEqual([
    { name: "id", type: "Integer()", expr: user_table.c.id },
    { name: "name", type: "String(length=30)", expr: user_table.c.name },
    { name: "id_1", type: "Integer()", expr: address_table.c.id },
    { name: "user_id", type: "Integer()", expr: address_table.c.user_id },
    { name: "email", type: "String()", expr: address_table.c.email },
  ]);
});

it("entity_description and returning_column_descriptions of ORM-enabled and Core DML", () => {
  expect(update(user_table).entity_description).toEqual({ name: "user_account", table: user_table });
  expect(update(User).entity_description).toEqual({
    name: "User",
    type: User,
    expr: User,
    entity: User,
    table: user_table,
  });
  expect(shown(update(user_table).returning(user_table.c.id).returning_column_descriptions)).toEqual([
    { name: "id", type: "Integer()", expr: user_table.c.id },
  ]);
  expect(shown(insert(User).returning(U.id, U.name).returning_column_descriptions)).toEqual([
    { name: "id", type: "Integer()", expr: U.id, aliased: false, entity: User },
    { name: "name", type: "String(length=30)", expr: U.name, aliased: false, entity: User },
  ]);
  expect(delete_(User).entity_description.name).toBe("User");
});
