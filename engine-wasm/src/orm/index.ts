/**
 * The `sqlalchemy/orm` module.
 */
import "../dialects/index.ts";
import "./inspection.ts";
import "./events.ts";

export type { bytes, float, int } from "./annotations.ts";
export * as attributes from "./attributes.ts";
export { History, InstrumentedAttribute, QueryableAttribute } from "./attributes.ts";
export { NO_VALUE } from "./base.ts";
export { InstrumentedList } from "./collections.ts";
export { ORMResult } from "./context.ts";
export {
  DeclarativeBase,
  declarative_base,
  deferred,
  type Mapped,
  mapped_column,
  query_expression,
  registry,
  relationship,
} from "./decl_api.ts";
export * as exc from "./exc.ts";
export { DetachedInstanceError, ObjectDeletedError, StaleDataError } from "./exc.ts";
export { inspect } from "./inspection.ts";
export { set_committed_value } from "./loading.ts";
export { ColumnProperty, configure_mappers, Mapper } from "./mapper.ts";
export { backref, RelationshipProperty } from "./relationships.ts";
export {
  close_all_sessions,
  make_transient,
  make_transient_to_detached,
  object_session,
  Session,
  SessionTransaction,
  sessionmaker,
} from "./session.ts";
export { AttributeState, InstanceState } from "./state.ts";
export {
  contains_eager,
  defaultload,
  defer,
  immediateload,
  joinedload,
  Load,
  lazyload,
  load_only,
  noload,
  raiseload,
  selectinload,
  subqueryload,
  undefer,
  undefer_group,
  with_expression,
} from "./strategy_options.ts";
export { AliasedClass, AliasedInsp, aliased, Bundle, with_parent } from "./util.ts";
