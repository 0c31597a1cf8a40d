/**
 * `sqlalchemy.sql`: the SQL expression language.
 *
 * Extension points the ORM uses (as SQLAlchemy's plugins do): `selectPlugins.resolveEntity` turns a
 * mapped class given to select() / insert() / update() / delete() into its columns and table; an
 * object with `__clause_element__()` (an ORM attribute) stands in for its column anywhere.
 */
import "./ddl.ts";
import { callable } from "../util/callable.ts";

import * as D from "./ddl.ts";

export { DDLCompiler } from "./ddl_compiler.ts";
export const CreateTable = callable(D.CreateTable);
export const DropTable = callable(D.DropTable);
export const CreateIndex = callable(D.CreateIndex);
export const DropIndex = callable(D.DropIndex);
export {
  compileStatement,
  compileWithCache,
  DEFAULT_DIALECT,
  GenericTypeCompiler,
  quoteIdentifier,
  SQLCompiler,
} from "./compiler.ts";
export { Delete, delete_ as delete, delete_, Insert, insert, Update, update } from "./dml.ts";
export {
  and_,
  asc,
  BinaryExpression,
  BindParameter,
  BooleanClauseList,
  bindparam,
  Case,
  Cast,
  ClauseElement,
  ColumnClause,
  ColumnElement,
  case_ as case,
  case_,
  cast,
  column,
  desc,
  distinct,
  FunctionFilter,
  false_,
  false_ as false,
  Label,
  literal,
  literal_column,
  not_,
  null_ as null,
  null_,
  Over,
  or_,
  TypeCoerce,
  true_,
  true_ as true,
  type_coerce,
  UnaryExpression,
  WithinGroup,
} from "./elements.ts";
export { Function, FunctionElement, func, GenericFunction } from "./functions.ts";

import * as S from "./schema.ts";

export { ColumnCollection } from "./schema.ts";
export const CheckConstraint = callable(S.CheckConstraint);
export const Column = callable(S.Column);
export const ForeignKey = callable(S.ForeignKey);
export const ForeignKeyConstraint = callable(S.ForeignKeyConstraint);
export const Index = callable(S.Index);
export const MetaData = callable(S.MetaData);
export const PrimaryKeyConstraint = callable(S.PrimaryKeyConstraint);
export const Table = callable(S.Table);
export const UniqueConstraint = callable(S.UniqueConstraint);
export {
  CompoundSelect,
  CTE,
  except_,
  except_all,
  exists,
  FromClause,
  intersect,
  intersect_all,
  Join,
  LABEL_STYLE_DISAMBIGUATE_ONLY,
  LABEL_STYLE_NONE,
  LABEL_STYLE_TABLENAME_PLUS_COL,
  Lateral,
  lateral,
  ScalarValues,
  Select,
  Subquery,
  select,
  selectPlugins,
  TableValuedAlias,
  TextualSelect,
  union,
  union_all,
  values,
} from "./selectable.ts";

import { Values as _Values } from "./selectable.ts";
export const Values = callable(_Values);
export * as types from "./sqltypes.ts";

import * as T from "./sqltypes.ts";
export const BigInteger = T.callable(T.BigInteger);
// biome-ignore lint/suspicious/noShadowRestrictedNames: SQLAlchemy's type name
export const Boolean = T.callable(T.Boolean);
// biome-ignore lint/suspicious/noShadowRestrictedNames: SQLAlchemy's type name
export const Date = T.callable(T.Date);
export const DateTime = T.callable(T.DateTime);
export const Double = T.callable(T.Double);
export const Enum = T.callable(T.Enum);
export const Float = T.callable(T.Float);
export const Integer = T.callable(T.Integer);
export const Interval = T.callable(T.Interval);
// biome-ignore lint/suspicious/noShadowRestrictedNames: SQLAlchemy's type name
export const JSON = T.callable(T.JSON);
export const LargeBinary = T.callable(T.LargeBinary);
export const Numeric = T.callable(T.Numeric);
export const SmallInteger = T.callable(T.SmallInteger);
// biome-ignore lint/suspicious/noShadowRestrictedNames: SQLAlchemy's type name
export const String = T.callable(T.String);
export const Text = T.callable(T.Text);
export const Time = T.callable(T.Time);
export const Unicode = T.callable(T.Unicode);
export const UnicodeText = T.callable(T.UnicodeText);
export const Uuid = T.callable(T.Uuid);
export const INTEGER = T.callable(T.INTEGER);
export const SMALLINT = T.callable(T.SMALLINT);
export const BIGINT = T.callable(T.BIGINT);
export const VARCHAR = T.callable(T.VARCHAR);
export const CHAR = T.callable(T.CHAR);
export const NVARCHAR = T.callable(T.NVARCHAR);
export const NCHAR = T.callable(T.NCHAR);
export const TEXT = T.callable(T.TEXT);
export const CLOB = T.callable(T.CLOB);
export const BOOLEAN = T.callable(T.BOOLEAN);
export const NUMERIC = T.callable(T.NUMERIC);
export const DECIMAL = T.callable(T.DECIMAL);
export const FLOAT = T.callable(T.FLOAT);
export const REAL = T.callable(T.REAL);
export const DOUBLE = T.callable(T.DOUBLE);
export const DATE = T.callable(T.DATE);
export const DATETIME = T.callable(T.DATETIME);
export const TIMESTAMP = T.callable(T.TIMESTAMP);
export const TIME = T.callable(T.TIME);
export const BLOB = T.callable(T.BLOB);
export { TypeEngine } from "./sqltypes.ts";
export { TextClause, text } from "./text.ts";
