/**
 * `sqlalchemy.orm.identity`: the identity map — one object per primary key per Session.
 * Objects stay in the map while they are in the Session (Python's map holds them weakly, so an
 * object nothing else refers to disappears when CPython frees it; JavaScript cannot observe that).
 */
import { repr, reprNumber } from "../util/repr.ts";
import type { Mapper } from "./mapper.ts";
import type { IdentityKey, InstanceState } from "./state.ts";

/** The map's string key of an identity: the identity class's mapper and the primary key values. */
export function keyString(key: IdentityKey): string {
  const mapper = (key[0] as unknown as { __mapper__: Mapper }).__mapper__;
  return pkKeyString(mapper, key[1] as unknown as readonly unknown[]);
}

/** Integer ids below this have their key strings kept per mapper. */
const SMALL_IDS = 1 << 16;

/** keyString() of a state's identity key, through its mapper (no lookup of the key's class). */
export function stateKeyString(state: InstanceState): string {
  return pkKeyString(state.mapper, state.key![1] as unknown as readonly unknown[]);
}

/** keyString() of the identity key that `mapper` and `pk` make, without making the key. */
export function pkKeyString(mapper: Mapper, pk: readonly unknown[]): string {
  let s = mapper._identity_prefix;
  if (pk.length === 1) {
    // the common key, a small non-negative integer id: its string is made once, so the map finds
    // it by an already computed hash
    const v = pk[0];
    if (typeof v === "number" && (v | 0) === v && v >= 0 && v < SMALL_IDS && !Object.is(v, -0)) {
      const cache = (mapper._small_id_keys ??= []);
      let k = cache[v];
      if (k === undefined) {
        k = `${s}\u0001${v}`;
        cache[v] = k;
      }
      return k;
    }
  }
  for (let i = 0; i < pk.length; i++) {
    const v = pk[i];
    s +=
      typeof v === "string"
        ? `\u0001s${v}`
        : typeof v === "number"
          ? `\u0001${reprNumber(v)}`
          : `\u0001${repr(v)}`;
  }
  return s;
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
  /** `_state_for(mapper.identity_key_from_primary_key(pk))`, by the key's pkKeyString(). */
  _state_for_key_string(key_string: string): InstanceState | undefined {
    return this._dict.get(key_string);
  }
  contains_state(state: InstanceState): boolean {
    return state.key !== null && this._dict.get(stateKeyString(state)) === state;
  }
  /** Adds a state with a key; `key_string` when the caller has computed it already (pkKeyString()). */
  add(state: InstanceState, key_string: string = stateKeyString(state)): void {
    this._dict.set(key_string, state);
    if (state.modified) this._modified.add(state);
  }
  replace(state: InstanceState): InstanceState | undefined {
    const k = stateKeyString(state);
    const old = this._dict.get(k);
    this._dict.set(k, state);
    return old;
  }
  safe_discard(state: InstanceState): void {
    if (state.key === null) return;
    const k = stateKeyString(state);
    if (this._dict.get(k) === state) this._dict.delete(k);
    this._modified.delete(state);
  }
  all_states(): InstanceState[] {
    return [...this._dict.values()];
  }
  /** The states in the order they were added, without copying them (`all_states()` copies). */
  iter_states(): IterableIterator<InstanceState> {
    return this._dict.values();
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
