/**
 * `sqlalchemy.orm.bulk_persistence`: ORM-enabled `update(User)` / `delete(User)` run by a Session,
 * with `synchronize_session` ("auto" by default): objects in the identity map that match the WHERE
 * clause are updated in Python ("evaluate") when the criteria can be evaluated; otherwise the matched
 * primary keys come back with RETURNING ("fetch"); `false` leaves the session alone.
 */
import { ArgumentError } from "../exc.ts";
import { Delete, type UpdateBase } from "../sql/dml.ts";
import {
  BinaryExpression,
  BindParameter,
  BooleanClauseList,
  type ClauseElement,
  False_,
  Null,
  True_,
} from "../sql/elements.ts";
import type { Column } from "../sql/schema.ts";
import { is_equal } from "./attributes.ts";
import { mapperOf } from "./context.ts";
import type { Mapper } from "./mapper.ts";
import type { Session } from "./session.ts";
import type { InstanceState } from "./state.ts";

class UnevaluatableError extends Error {}

type Evaluator = (state: InstanceState) => unknown;

function evaluator(mapper: Mapper, e: ClauseElement): Evaluator {
  if (e instanceof BooleanClauseList) {
    const parts = e.clauses.map((c) => evaluator(mapper, c));
    return e.operator === "AND" ? (s) => parts.every((p) => p(s)) : (s) => parts.some((p) => p(s));
  }
  if (e instanceof BindParameter) return () => e.effective_value();
  if (e instanceof Null) return () => null;
  if (e instanceof True_) return () => true;
  if (e instanceof False_) return () => false;
  const prop = mapper._columntoproperty.get(e as unknown as Column);
  if (prop) return (s) => (prop.key in s.dict ? s.dict[prop.key] : undefined);
  if (e instanceof BinaryExpression && !e.modifiers.pattern && !e.modifiers.ilike) {
    const l = evaluator(mapper, e.left);
    const r = evaluator(mapper, e.right);
    const cmp = (f: (a: never, b: never) => boolean) => (s: InstanceState) => {
      const a = l(s);
      const b = r(s);
      if (a === undefined || b === undefined) throw new UnevaluatableError();
      return a === null || b === null ? null : f(a as never, b as never);
    };
    switch (e.operator) {
      case "=":
        return cmp((a, b) => is_equal(a, b));
      case "!=":
        return cmp((a, b) => !is_equal(a, b));
      case "<":
        return cmp((a, b) => a < b);
      case "<=":
        return cmp((a, b) => a <= b);
      case ">":
        return cmp((a, b) => a > b);
      case ">=":
        return cmp((a, b) => a >= b);
      case "IS":
        return (s) => l(s) === r(s);
      case "IS NOT":
        return (s) => l(s) !== r(s);
      case "IN":
        return (s) => (r(s) as unknown[]).some((v) => is_equal(l(s), v));
      case "NOT IN":
        return (s) => !(r(s) as unknown[]).some((v) => is_equal(l(s), v));
      case "+":
        return (s) => (l(s) as number) + (r(s) as number);
      case "-":
        return (s) => (l(s) as number) - (r(s) as number);
      case "*":
        return (s) => (l(s) as number) * (r(s) as number);
    }
  }
  throw new UnevaluatableError();
}

export function execute_bulk(
  session: Session,
  stmt: UpdateBase,
  params: Record<string, unknown> | readonly Record<string, unknown>[] | null,
  execution_options: Record<string, unknown>,
) {
  const mapper = mapperOf(stmt._entity)!;
  const sync = (execution_options.synchronize_session ?? "auto") as string | false;
  if (sync !== false && sync !== "auto" && sync !== "evaluate" && sync !== "fetch") {
    throw new ArgumentError(
      `Valid strategies for session synchronization are 'auto', 'evaluate', 'fetch', False`,
    );
  }
  if (execution_options.autoflush !== false) session._autoflush();
  let matches: InstanceState[] | null = null;
  let strategy = sync;
  if (sync === "auto" || sync === "evaluate") {
    try {
      const crit = stmt._where_criteria.length
        ? evaluator(mapper, new BooleanClauseList("AND", stmt._where_criteria))
        : () => true;
      matches = session.identity_map
        .all_states()
        .filter((s) => s.mapper === mapper && !s.expired && crit(s) === true);
      strategy = "evaluate";
    } catch (err) {
      if (!(err instanceof UnevaluatableError)) throw err;
      if (sync === "evaluate") {
        throw new ArgumentError(
          "Could not evaluate current criteria in Python: \"Cannot evaluate expression\". Specify 'fetch' or False for the synchronize_session execution option.",
        );
      }
      strategy = "fetch";
    }
  }
  const conn = session._connection_for_bind(session.get_bind(mapper, { clause: stmt }));
  const coreOptions = { ...execution_options };
  delete coreOptions.synchronize_session;
  if (strategy === "fetch") {
    const pkStmt = stmt.returning(...mapper.primary_key);
    const result = conn.execute(pkStmt, params as never, coreOptions);
    const keys = result.all().map((r) => [...r._data]);
    matches = keys
      .map((pk) => session.identity_map._state_for(mapper.identity_key_from_primary_key(pk)))
      .filter((s): s is InstanceState => !!s);
    applySync(session, mapper, stmt, matches, false);
    return result;
  }
  const result = conn.execute(stmt, params as never, coreOptions);
  if (matches) applySync(session, mapper, stmt, matches, true);
  return result;
}

function applySync(
  session: Session,
  mapper: Mapper,
  stmt: UpdateBase,
  states: InstanceState[],
  evaluate: boolean,
): void {
  if (stmt instanceof Delete) {
    for (const s of states) session._remove_newly_deleted(s);
    return;
  }
  for (const s of states) {
    const toExpire: string[] = [];
    for (const [colKey, value] of stmt._values ?? []) {
      const prop = mapper._columntoproperty.get(mapper.local_table.c.get(colKey)!);
      if (!prop) continue;
      let v: unknown = value;
      if (value !== null && typeof value === "object" && "__visit_name__" in (value as object)) {
        try {
          v = evaluate ? evaluator(mapper, value as ClauseElement)(s) : undefined;
        } catch {
          v = undefined;
        }
        if (v === undefined) {
          toExpire.push(prop.key);
          continue;
        }
      }
      s.dict[prop.key] = v;
      s.committed_state.delete(prop.key);
    }
    if (toExpire.length) s._expire_attributes(toExpire);
    if (s.committed_state.size === 0) session.identity_map._modified.delete(s);
  }
}
