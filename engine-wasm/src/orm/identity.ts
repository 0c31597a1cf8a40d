/**
 * `sqlalchemy.orm.identity`: the identity map — one object per primary key per Session.
 * Objects stay in the map while they are in the Session (Python's map holds them weakly, so an
 * object nothing else refers to disappears when CPython frees it; JavaScript cannot observe that).
 */
import { repr } from "../util/repr.ts";
import type { IdentityKey, InstanceState } from "./state.ts";

export function keyString(key: IdentityKey): string {
  const mapperId = (key[0] as unknown as { __mapper__: { local_table: { fullname: string } } }).__mapper__;
  return `${mapperId.local_table.fullname}\u0001${(key[1] as unknown as unknown[]).map((v) => (typeof v === "string" ? `s${v}` : repr(v))).join("\u0001")}`;
}

export class IdentityMap {
  private readonly _dict = new Map<string, InstanceState>();
  /** States with changes not flushed yet. */
  readonly _modified = new Set<InstanceState>();

  get(key: IdentityKey): object | null {
    return this._dict.get(keyString(key))?.obj ?? null;
  }
  _state_for(key: IdentityKey): InstanceState | undefined {
    return this._dict.get(keyString(key));
  }
  contains_state(state: InstanceState): boolean {
    return state.key !== null && this._dict.get(keyString(state.key)) === state;
  }
  add(state: InstanceState): void {
    this._dict.set(keyString(state.key!), state);
    if (state.modified) this._modified.add(state);
  }
  replace(state: InstanceState): InstanceState | undefined {
    const k = keyString(state.key!);
    const old = this._dict.get(k);
    this._dict.set(k, state);
    return old;
  }
  safe_discard(state: InstanceState): void {
    if (state.key === null) return;
    const k = keyString(state.key);
    if (this._dict.get(k) === state) this._dict.delete(k);
    this._modified.delete(state);
  }
  all_states(): InstanceState[] {
    return [...this._dict.values()];
  }
  values(): object[] {
    return this.all_states().map((s) => s.obj);
  }
  keys(): IdentityKey[] {
    return this.all_states().map((s) => s.key!);
  }
  get size(): number {
    return this._dict.size;
  }
  get length(): number {
    return this._dict.size;
  }
  _dirty_states(): InstanceState[] {
    return [...this._modified];
  }
  clear(): void {
    this._dict.clear();
    this._modified.clear();
  }
  [Symbol.iterator](): IterableIterator<IdentityKey> {
    return this.keys()[Symbol.iterator]();
  }
}
