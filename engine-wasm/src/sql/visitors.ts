/**
 * `sqlalchemy.sql.visitors`: every element class the compilers render, by its `__visit_name__`.
 *
 * ClauseElement's `__visit_name__` is typed as one of these names, and each compiler's dispatch
 * table is a record over them: an element class with a new name, or a compiler without a visitor
 * for a name, is a type error rather than a failure at run time.
 */
import type { CreateIndex, CreateTable, DropIndex, DropTable } from "./ddl.ts";
import type { Delete, Insert, Update } from "./dml.ts";
import type {
  BinaryExpression,
  BindParameter,
  BooleanClauseList,
  Case,
  Cast,
  ClauseElement,
  ClauseList,
  ColumnClause,
  False_,
  FunctionFilter,
  Grouping,
  Label,
  Null,
  Over,
  Star,
  TextualLabelReference,
  True_,
  TypeCoerce,
  UnaryExpression,
  WithinGroup,
} from "./elements.ts";
import type { FunctionElement } from "./functions.ts";
import type { Column, Table } from "./schema.ts";
import type {
  CompoundSelect,
  CTE,
  Exists,
  Join,
  Lateral,
  ScalarFunctionColumn,
  ScalarSelect,
  ScalarValues,
  Select,
  Subquery,
  SubqueryColumn,
  TableValuedAlias,
  TableValuedColumn,
  TextualSelect,
  Values,
} from "./selectable.ts";
import type { TextClause } from "./text.ts";

/** Statement elements (SQLCompiler's visitors). */
export interface SQLElementsByVisitName {
  bindparam: BindParameter;
  binary: BinaryExpression;
  clauselist: ClauseList;
  boolean_clauselist: BooleanClauseList;
  unary: UnaryExpression;
  label: Label;
  grouping: Grouping;
  null: Null;
  true: True_;
  false: False_;
  cast: Cast;
  type_coerce: TypeCoerce;
  column: Column | ColumnClause;
  function: FunctionElement;
  over: Over;
  funcfilter: FunctionFilter;
  withingroup: WithinGroup;
  star: Star;
  textclause: TextClause;
  textual_select: TextualSelect;
  values: Values;
  scalar_values: ScalarValues;
  case: Case;
  textual_label_reference: TextualLabelReference;
  table: Table;
  join: Join;
  subquery: Subquery;
  subquery_column: SubqueryColumn;
  select: Select;
  compound_select: CompoundSelect;
  cte: CTE;
  lateral: Lateral;
  table_valued_alias: TableValuedAlias;
  table_valued_column: TableValuedColumn;
  scalar_function_column: ScalarFunctionColumn;
  scalar_select: ScalarSelect;
  exists: Exists;
  insert: Insert;
  update: Update;
  delete: Delete;
  /** An INSERT's ON CONFLICT (dialects/sqlite/dml.ts, dialects/postgresql/dml.ts). */
  on_conflict_do_nothing: ClauseElement;
  on_conflict_do_update: ClauseElement;
}

/** DDL elements (DDLCompiler's visitors). */
export interface DDLElementsByVisitName {
  create_table: CreateTable;
  drop_table: DropTable;
  create_index: CreateIndex;
  drop_index: DropIndex;
}

export type SQLVisitName = keyof SQLElementsByVisitName;
export type DDLVisitName = keyof DDLElementsByVisitName;
export type VisitName = SQLVisitName | DDLVisitName;
export type ElementsByVisitName = SQLElementsByVisitName & DDLElementsByVisitName;

/** The type compiler's names (TypeEngine `__visit_name__`). */
export type TypeVisitName =
  | "null"
  | "integer"
  | "small_integer"
  | "big_integer"
  | "string"
  | "text"
  | "unicode"
  | "unicode_text"
  | "boolean"
  | "numeric"
  | "float"
  | "double"
  | "date"
  | "datetime"
  | "time"
  | "interval"
  | "large_binary"
  | "JSON"
  | "json_int_index"
  | "json_str_index"
  | "uuid"
  | "enum"
  // the SQL standard's names (sqltypes' uppercase types), rendered as written
  | "INTEGER"
  | "SMALLINT"
  | "BIGINT"
  | "VARCHAR"
  | "CHAR"
  | "NVARCHAR"
  | "NCHAR"
  | "TEXT"
  | "CLOB"
  | "BOOLEAN"
  | "NUMERIC"
  | "DECIMAL"
  | "FLOAT"
  | "REAL"
  | "DOUBLE"
  | "DATE"
  | "DATETIME"
  | "TIMESTAMP"
  | "TIME"
  | "BLOB";

/** Keyword arguments a visitor passes down (SQLAlchemy's `**kw`). */
export type CompileKw = Record<string, unknown>;

/** A dispatch table: one visitor per name, each taking the element class of that name. */
export type VisitorTable<C, N extends VisitName> = {
  readonly [K in N]: (compiler: C, element: ElementsByVisitName[K], kw: CompileKw) => string;
};
