/**
 * `sqlalchemy.orm.collections`: InstrumentedList, the list behind a one-to-many attribute
 * (`user.addresses`). Its mutating methods — JavaScript's (`push`, `splice`, `pop`, …) and Python's
 * (`append`, `remove`, `extend`, `insert`, `clear`) — tell the ORM what changed: back_populates is
 * kept in step, new members cascade into the session, and the flush knows what was added or removed.
 * Assigning by index (`list[0] = x`) is not seen; use `splice` or assign a whole new list.
 */
import { ValueError } from "../util/builtins.ts";

/** An event initiator (attributes.AttributeEventToken), null for the list's own token, false for no event. */
type Initiator = object | null | false;

interface Adapter {
  state: unknown;
  impl: {
    fire_append_event(state: unknown, child: object, initiator: object | null): object;
    fire_remove_event(state: unknown, child: object, initiator: object | null): void;
  };
}

export class InstrumentedList<T extends object = object> extends Array<T> {
  /** `map`, `filter`, `slice` … give plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  declare _sa_adapter: Adapter | undefined;
  /** Members at the last load / flush: the base of the attribute's history. */
  declare _sa_original: Set<T>;

  static _sa_make<T extends object>(items: readonly T[]): InstrumentedList<T> {
    const list = new InstrumentedList<T>();
    Object.defineProperty(list, "_sa_adapter", { value: undefined, writable: true, enumerable: false });
    Object.defineProperty(list, "_sa_original", { value: new Set(), writable: true, enumerable: false });
    for (const item of items) Array.prototype.push.call(list, item);
    return list;
  }

  _sa_commit(): void {
    this._sa_original = new Set(this);
  }

  /** The append event, before the item goes in (collections.py's `__set`); a listener may replace it. */
  private _fire_append(item: T, initiator: Initiator): T {
    const a = this._sa_adapter;
    if (a && initiator !== false) return a.impl.fire_append_event(a.state, item, initiator) as T;
    return item;
  }
  /** The remove event, before the item goes out (`__del`). */
  private _fire_remove(item: T, initiator: Initiator): void {
    const a = this._sa_adapter;
    if (a && initiator !== false) a.impl.fire_remove_event(a.state, item, initiator);
  }

  /** `append_with_event`: the ORM's own appends (backrefs, bulk replace) with their initiator. */
  _sa_appender(item: T, initiator: Initiator): void {
    Array.prototype.push.call(this, this._fire_append(item, initiator));
  }
  /** `remove_with_event`: the event fires first; a missing item then raises ValueError. */
  _sa_remover(item: T, initiator: Initiator): void {
    this._fire_remove(item, initiator);
    const i = this.indexOf(item);
    if (i < 0) throw new ValueError("list.remove(x): x not in list");
    Array.prototype.splice.call(this, i, 1);
  }

  override push(...items: T[]): number {
    for (const item of items) this._sa_appender(item, null);
    return this.length;
  }
  override unshift(...items: T[]): number {
    const added = items.map((item) => this._fire_append(item, null));
    Array.prototype.unshift.apply(this, added);
    return this.length;
  }
  override pop(): T | undefined;
  override pop(index?: number): T | undefined {
    if (this.length === 0) return undefined;
    const i = index === undefined ? this.length - 1 : index < 0 ? this.length + index : index;
    const [item] = Array.prototype.splice.call(this, i, 1) as T[];
    if (item !== undefined) this._fire_remove(item, null);
    return item;
  }
  override shift(): T | undefined {
    const item = Array.prototype.shift.call(this) as T | undefined;
    if (item !== undefined) this._fire_remove(item, null);
    return item;
  }
  override splice(start: number, deleteCount?: number, ...items: T[]): T[] {
    const from = start < 0 ? Math.max(this.length + start, 0) : Math.min(start, this.length);
    const count =
      deleteCount === undefined ? this.length - from : Math.max(0, Math.min(deleteCount, this.length - from));
    for (const r of this.slice(from, from + count)) this._fire_remove(r, null);
    const added = items.map((item) => this._fire_append(item, null));
    const splice = Array.prototype.splice as (this: T[], ...args: unknown[]) => T[];
    return splice.call(this, from, count, ...added);
  }

  /** Python's `list.append(x)`. */
  append(item: T): void {
    this.push(item);
  }
  /** Python's `list.extend(iterable)`. */
  extend(items: Iterable<T>): void {
    this.push(...items);
  }
  /** Python's `list.insert(i, x)`. */
  insert(index: number, item: T): void {
    this.splice(index, 0, item);
  }
  /** Python's `list.remove(x)`: the remove event, then ValueError when absent. */
  remove(item: T): void {
    this._sa_remover(item, null);
  }
  /** Python's `list.clear()`. */
  clear(): void {
    this.splice(0, this.length);
  }
}
