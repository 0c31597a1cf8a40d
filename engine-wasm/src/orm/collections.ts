/**
 * `sqlalchemy.orm.collections`: InstrumentedList, the list behind a one-to-many attribute
 * (`user.addresses`). Its mutating methods — JavaScript's (`push`, `splice`, `pop`, …) and Python's
 * (`append`, `remove`, `extend`, `insert`, `clear`) — tell the ORM what changed: back_populates is
 * kept in step, new members cascade into the session, and the flush knows what was added or removed.
 * Assigning by index (`list[0] = x`) is not seen; use `splice` or assign a whole new list.
 */
import { ValueError } from "../util/builtins.ts";

interface Adapter {
  state: unknown;
  impl: {
    _fire_append(state: unknown, child: object): void;
    _fire_remove(state: unknown, child: object): void;
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
  _sa_raw_push(item: T): void {
    Array.prototype.push.call(this, item);
  }
  _sa_raw_splice(index: number): void {
    Array.prototype.splice.call(this, index, 1);
  }

  private _appended(item: T): void {
    const a = this._sa_adapter;
    if (a) a.impl._fire_append(a.state, item);
  }
  private _removed(item: T): void {
    const a = this._sa_adapter;
    if (a) a.impl._fire_remove(a.state, item);
  }

  override push(...items: T[]): number {
    for (const item of items) {
      Array.prototype.push.call(this, item);
      this._appended(item);
    }
    return this.length;
  }
  override unshift(...items: T[]): number {
    Array.prototype.unshift.apply(this, items);
    for (const item of items) this._appended(item);
    return this.length;
  }
  override pop(): T | undefined;
  override pop(index?: number): T | undefined {
    if (this.length === 0) return undefined;
    const i = index === undefined ? this.length - 1 : index < 0 ? this.length + index : index;
    const [item] = Array.prototype.splice.call(this, i, 1) as T[];
    if (item !== undefined) this._removed(item);
    return item;
  }
  override shift(): T | undefined {
    const item = Array.prototype.shift.call(this) as T | undefined;
    if (item !== undefined) this._removed(item);
    return item;
  }
  override splice(start: number, deleteCount?: number, ...items: T[]): T[] {
    const splice = Array.prototype.splice as (this: T[], ...args: unknown[]) => T[];
    const removed =
      deleteCount === undefined ? splice.call(this, start) : splice.call(this, start, deleteCount, ...items);
    for (const r of removed) this._removed(r);
    for (const item of items) this._appended(item);
    return removed;
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
  /** Python's `list.remove(x)`: ValueError when absent. */
  remove(item: T): void {
    const i = this.indexOf(item);
    if (i < 0) throw new ValueError("list.remove(x): x not in list");
    this.splice(i, 1);
  }
  /** Python's `list.clear()`. */
  clear(): void {
    this.splice(0, this.length);
  }
}
