/**
 * `sqlalchemy.orm.evaluator`: turns the WHERE / SET of an ORM-enabled update() or delete() into
 * functions of a loaded object, so that `synchronize_session="evaluate"` can apply the statement to
 * the objects in the identity map without asking the database. Anything Python could not evaluate
 * (a SQL function, a column of another table, a LIKE pattern …) raises UnevaluatableError.
 */
import { InvalidRequestError } from "../exc.ts";
import {
  BinaryExpression,
  BindParameter,
  BooleanClauseList,
  type ClauseElement,
  False_,
  Grouping,
  Null,
  True_,
  UnaryExpression,
} from "../sql/elements.ts";
import type { Column } from "../sql/schema.ts";
import { Integer, Numeric, String as SAString } from "../sql/sqltypes.ts";
import { is_equal } from "./attributes.ts";
import { className } from "./base.ts";
import type { Mapper } from "./mapper.ts";
import type { InstanceState } from "./state.ts";

export class UnevaluatableError extends InvalidRequestError {}

/** What a column of an expired attribute evaluates to: the object matches "maybe" and is expired after. */
export const _EXPIRED_OBJECT: unique symbol = Symbol("_EXPIRED_OBJECT");

export type Evaluator = (state: InstanceState) => unknown;

type Op = (a: never, b: never) => unknown;

const COMPARISONS: Record<string, Op> = {
  "=": (a, b) => is_equal(a, b),
  "!=": (a, b) => !is_equal(a, b),
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
  IN: (a, b) => (b as unknown[]).some((v) => is_equal(a, v)),
  "NOT IN": (a, b) => !(b as unknown[]).some((v) => is_equal(a, v)),
};

const MATH: Record<string, Op> = {
  "+": (a, b) => (a as number) + (b as number),
  "-": (a, b) => (a as number) - (b as number),
  "*": (a, b) => (a as number) * (b as number),
  "/": (a, b) => (a as number) / (b as number),
  "%": (a, b) => (a as number) % (b as number),
};

function isNumeric(t: unknown): boolean {
  return t instanceof Integer || t instanceof Numeric;
}

/** `_EvaluatorCompiler(target_cls).process(clause)`. */
export class EvaluatorCompiler {
  readonly mapper: Mapper;
  constructor(mapper: Mapper) {
    this.mapper = mapper;
  }

  process(clause: ClauseElement): Evaluator {
    if (clause instanceof Grouping) return this.process(clause.element);
    if (clause instanceof Null) return () => null;
    if (clause instanceof True_) return () => true;
    if (clause instanceof False_) return () => false;
    if (clause instanceof BindParameter) {
      const v = clause.effective_value();
      return () => v;
    }
    if (clause instanceof BooleanClauseList) return this.visit_clauselist(clause);
    if (clause instanceof BinaryExpression) return this.visit_binary(clause);
    if (clause instanceof UnaryExpression && clause.operator === "NOT") {
      const inner = this.process(clause.element);
      return (s) => {
        const v = inner(s);
        if (v === _EXPIRED_OBJECT) return _EXPIRED_OBJECT;
        return v === null ? null : !v;
      };
    }
    if (clause.__visit_name__ === "column") return this.visit_column(clause as unknown as Column);
    throw new UnevaluatableError(`Cannot evaluate ${className(clause.constructor)}`);
  }

  private visit_column(col: Column): Evaluator {
    const prop = this.mapper._columntoproperty.get(col);
    if (!prop) throw new UnevaluatableError(`Cannot evaluate column: ${col}`);
    const key = prop.key;
    return (s) => {
      if (key in s.dict) return s.dict[key];
      return s._expired_attributes?.has(key) ? _EXPIRED_OBJECT : null;
    };
  }

  private visit_clauselist(clause: BooleanClauseList): Evaluator {
    const parts = clause.clauses.map((c) => this.process(c));
    if (clause.operator === "OR") {
      return (s) => {
        let has_null = false;
        for (const p of parts) {
          const v = p(s);
          if (v === _EXPIRED_OBJECT) return _EXPIRED_OBJECT;
          if (v) return true;
          has_null ||= v === null;
        }
        return has_null ? null : false;
      };
    }
    return (s) => {
      for (const p of parts) {
        const v = p(s);
        if (v === _EXPIRED_OBJECT) return _EXPIRED_OBJECT;
        if (!v) return v === null ? null : false;
      }
      return true;
    };
  }

  private visit_binary(clause: BinaryExpression): Evaluator {
    if (clause.modifiers.ilike || clause.modifiers.pattern === "contains") {
      throw new UnevaluatableError(`Cannot evaluate BinaryExpression with operator ${clause.operator}`);
    }
    const left = this.process(clause.left);
    const right = this.process(clause.right);
    const op = clause.operator;
    if (op === "IS" || op === "IS NOT") {
      return (s) => {
        const l = left(s);
        const r = right(s);
        if (l === _EXPIRED_OBJECT || r === _EXPIRED_OBJECT) return _EXPIRED_OBJECT;
        return op === "IS" ? l === r : l !== r;
      };
    }
    let fn: Op | undefined;
    if (clause.modifiers.pattern === "startswith") fn = (a, b) => (a as string).startsWith(b);
    else if (clause.modifiers.pattern === "endswith") fn = (a, b) => (a as string).endsWith(b);
    else if (op === "||") {
      const lt = (clause.left as { type?: unknown }).type;
      const rt = (clause.right as { type?: unknown }).type;
      if (!(lt instanceof SAString) || !(rt instanceof SAString)) {
        throw new UnevaluatableError(
          `Cannot evaluate concatenate operator "concat_op" for datatypes ${lt}, ${rt}`,
        );
      }
      fn = (a, b) => (a as string) + (b as string);
    } else if (op in MATH) {
      const lt = (clause.left as { type?: unknown }).type;
      const rt = (clause.right as { type?: unknown }).type;
      if (!isNumeric(lt) || !isNumeric(rt)) {
        throw new UnevaluatableError(`Cannot evaluate math operator "${op}" for datatypes ${lt}, ${rt}`);
      }
      fn = MATH[op];
    } else fn = COMPARISONS[op];
    if (!fn) throw new UnevaluatableError(`Cannot evaluate BinaryExpression with operator ${op}`);
    const f = fn;
    return (s) => {
      const l = left(s);
      const r = right(s);
      if (l === _EXPIRED_OBJECT || r === _EXPIRED_OBJECT) return _EXPIRED_OBJECT;
      if (l === null || r === null) return null;
      return f(l as never, r as never);
    };
  }
}
