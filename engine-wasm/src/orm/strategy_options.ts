/**
 * `sqlalchemy.orm.strategy_options`: loader options — `selectinload(User.addresses)`,
 * `joinedload(User.addresses)`, `lazyload`, `raiseload`, `noload`, chained with `.selectinload(...)`
 * for deeper paths — given to `select(...).options(...)`.
 */

import { ArgumentError } from "../exc.ts";
import { type CacheKeyBuilder, objectId } from "../sql/elements.ts";
import { NotImplementedError } from "../util/builtins.ts";
import { defineModule } from "../util/repr.ts";
import type { RelationshipProperty } from "./relationships.ts";

export type LoaderStrategyName =
  | "selectin"
  | "joined"
  | "select"
  | "raise"
  | "raise_on_sql"
  | "noload"
  | "immediate"
  | "contains_eager";

/** One step of a loader path: a relationship and how to load it. */
export interface LoadStep {
  readonly prop: RelationshipProperty;
  readonly strategy: LoaderStrategyName;
  readonly innerjoin: boolean;
  /** `of_type(alias)` on the attribute: the entity the load is in terms of (contains_eager). */
  readonly of_type?: unknown;
}

export class Load {
  /** The chain of relationships from the queried entity. */
  readonly path: readonly LoadStep[];
  /** Marks a loader option among a statement's options (sql/selectable.ts reads it for its cache key). */
  readonly _is_loader_option = true;
  constructor(path: readonly LoadStep[]) {
    this.path = path;
  }
  private _chain(attr: unknown, strategy: LoaderStrategyName, options: { innerjoin?: boolean } = {}): Load {
    return new Load([...this.path, step(attr, strategy, options)]);
  }
  selectinload(attr: unknown): Load {
    return this._chain(attr, "selectin");
  }
  joinedload(attr: unknown, options: { innerjoin?: boolean } = {}): Load {
    return this._chain(attr, "joined", options);
  }
  lazyload(attr: unknown): Load {
    return this._chain(attr, "select");
  }
  raiseload(attr: unknown): Load {
    return this._chain(attr, "raise");
  }
  noload(attr: unknown): Load {
    return this._chain(attr, "noload");
  }
  immediateload(attr: unknown): Load {
    return this._chain(attr, "immediate");
  }
  contains_eager(attr: unknown): Load {
    return this._chain(attr, "contains_eager");
  }
  /** Part of the statement's cache key. */
  _ck(k: CacheKeyBuilder): void {
    k.push("load(");
    for (const s of this.path) {
      k.push(String(s.prop), s.strategy, s.innerjoin ? "i" : "");
      if (s.of_type) k.push(`of${objectId(s.of_type as object)}`);
    }
    k.push(")");
  }
  __repr__(): string {
    return `<_${this.path[this.path.length - 1]?.strategy ?? ""}Load ${this.path.map((s) => String(s.prop)).join(" -> ")}>`;
  }
}

function step(attr: unknown, strategy: LoaderStrategyName, options: { innerjoin?: boolean } = {}): LoadStep {
  const prop = (attr as { property?: unknown } | null)?.property as RelationshipProperty | undefined;
  if (!prop || !("synchronize_pairs" in prop)) {
    throw new ArgumentError(
      `expected ORM mapped attribute for loader strategy argument, got ${typeof attr === "string" ? `'${attr}'` : String(attr)}`,
    );
  }
  const of_type = (attr as { _of_type?: unknown })._of_type ?? null;
  if ((attr as { _extra_criteria?: readonly unknown[] })._extra_criteria?.length)
    throw new NotImplementedError("criteria added with and_() to a loader option are not in the port yet");
  return { prop, strategy, innerjoin: options.innerjoin ?? prop.options.innerjoin ?? false, of_type };
}

export function selectinload(attr: unknown): Load {
  return new Load([step(attr, "selectin")]);
}
export function joinedload(attr: unknown, options: { innerjoin?: boolean } = {}): Load {
  return new Load([step(attr, "joined", options)]);
}
export function lazyload(attr: unknown): Load {
  return new Load([step(attr, "select")]);
}
export function raiseload(attr: unknown): Load {
  return new Load([step(attr, "raise")]);
}
export function noload(attr: unknown): Load {
  return new Load([step(attr, "noload")]);
}
export function immediateload(attr: unknown): Load {
  return new Load([step(attr, "immediate")]);
}
/**
 * `contains_eager(User.addresses)`: the relationship is filled from columns the statement already
 * selects through its own join (of the target table, or of `User.addresses.of_type(alias)`).
 */
export function contains_eager(attr: unknown): Load {
  return new Load([step(attr, "contains_eager")]);
}

/** Internal tag that keeps the ORM's own loads (get, refresh, lazy loads) apart in the compiled cache. */
export class _OrmLoadTag {
  readonly tag: string;
  constructor(tag: string) {
    this.tag = tag;
  }
  _ck(k: CacheKeyBuilder): void {
    k.push("ormtag", this.tag);
  }
}

defineModule("sqlalchemy.orm.strategy_options", Load);
