/**
 * `sqlalchemy.orm.persistence`: the INSERT / UPDATE / DELETE statements of a flush.
 *
 * - UPDATE sets only the columns whose value changed; consecutive rows changing the same columns go
 *   in one executemany. The WHERE clause binds the primary key as `<table>_<column>`.
 * - INSERT of one row: a plain execute (the primary key comes back by RETURNING or lastrowid, as the
 *   dialect does it); several rows with the same columns: one executemany with
 *   `RETURNING <pk>` in parameter order ("insertmanyvalues").
 * - DELETE by primary key, executemany for several rows.
 * - Mapped class inheritance: one statement per table of the objects' mappers, in the base mapper's
 *   table order (INSERT / UPDATE base table first, DELETE the subclass table first); a joined
 *   subclass's row takes its primary key from the base row.
 */
import { delete_, insert, update } from "../sql/dml.ts";
import { and_, bindparam } from "../sql/elements.ts";
import type { Column, Table } from "../sql/schema.ts";
import { repr } from "../util/repr.ts";
import { sa_warn } from "../util/warnings.ts";
import { is_equal } from "./attributes.ts";
import { instance_str, NO_VALUE } from "./base.ts";
import { _mapper_events } from "./events.ts";
import { StaleDataError } from "./exc.ts";
import type { ColumnProperty, Mapper } from "./mapper.ts";
import type { InstanceState } from "./state.ts";
import type { UOWTransaction } from "./unitofwork.ts";

type Params = Record<string, unknown>;

function pkLabel(col: Column): string {
  return `${col.table!.name}_${col.name}`;
}

/** Runs of consecutive items that `same` says belong together (one statement each). */
function groupConsecutive<T>(items: T[], same: (a: T, b: T) => boolean): T[][] {
  const out: T[][] = [];
  let last: T[] | null = null;
  for (const item of items) {
    if (last !== null && same(last[0]!, item)) last.push(item);
    else {
      last = [item];
      out.push(last);
    }
  }
  return out;
}

/** Whether two rows set the same columns, in the same order. */
function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The attributes of a mapper on one table: each column property and its column in that table. */
export type TableColumns = readonly (readonly [ColumnProperty, Column])[];

interface SaveRecord {
  state: InstanceState;
  mapper: Mapper;
  params: Params;
  keys: string[];
}
interface InsertRecord extends SaveRecord {
  has_all_pks: boolean;
}

/** Before insert / update events of each object, fired with its own mapper's listeners. */
function fire_before_save(uow: UOWTransaction, base: Mapper, states: InstanceState[]): void {
  const beforeInsert = _mapper_events(base, "before_insert");
  const beforeUpdate = _mapper_events(base, "before_update");
  const inheriting = base._inheriting_mappers.length > 0;
  if (!inheriting && !beforeInsert.length && !beforeUpdate.length) return;
  let conn: ReturnType<UOWTransaction["connection"]> | null = null;
  for (const state of states) {
    const m = state.mapper;
    const fire = _mapper_events(m, state.key === null ? "before_insert" : "before_update");
    if (!fire.length) continue;
    conn ??= uow.connection(base);
    for (const fn of fire) fn(m, conn, state);
  }
}

/**
 * Saves `states` of one base mapper (objects of it and of the mappers inheriting from it); returns
 * the states that were inserted.
 */
export function save_obj(uow: UOWTransaction, base: Mapper, states: InstanceState[]): InstanceState[] {
  const switches: InstanceState[] = [];
  const switched = new Set<InstanceState>();
  // MapperEvents (persistence.py _organize_states_for_save): before_insert / before_update for
  // every object of the flush, before its parameters are collected (a listener may change it)
  fire_before_save(uow, base, states);
  const hadIdentity = states.map((s) => s.key !== null);
  const inserted: InstanceState[] = [];
  const tables = base._sorted_tables;
  for (let t = 0; t < tables.length; t++) {
    const table = tables[t]!;
    const updates: SaveRecord[] = [];
    const inserts: InsertRecord[] = [];
    for (const state of states) {
      const mapper = state.mapper;
      const cols = mapper._cols_by_table.get(table);
      if (cols === undefined) continue;
      const pks = mapper._pks_by_table.get(table)!;
      if (state.key === null && !switched.has(state)) {
        if (t > 0) sync_inherited_pk(mapper, table, state);
        const params = collect_insert_params(cols, state);
        let has_all_pks = true;
        for (const c of pks) {
          const v = params[c.key];
          if (v === undefined || v === null) {
            has_all_pks = false;
            break;
          }
        }
        const switchedFrom = t === 0 && has_all_pks ? check_identity_conflict(uow, mapper, state) : null;
        if (switchedFrom !== null) {
          // a row switch: the deleted row takes the new object's values in one UPDATE
          switched.add(state);
          switches.push(state);
          const update = collect_row_switch_params(cols, pks, state);
          if (update) updates.push({ state, mapper, params: update, keys: Object.keys(update) });
          continue;
        }
        inserts.push({ state, mapper, params, keys: Object.keys(params), has_all_pks });
        if (t === 0) inserted.push(state);
      } else {
        const params = switched.has(state)
          ? collect_row_switch_params(cols, pks, state)
          : collect_update_params(mapper, cols, pks, state);
        if (params) updates.push({ state, mapper, params, keys: Object.keys(params) });
      }
    }
    if (updates.length) emit_update_statements(uow, base, table, updates);
    if (inserts.length) emit_insert_statements(uow, base, table, inserts);
  }
  // after_update for the objects that had an identity, then after_insert (_finalize_insert_update_commands)
  const afterInsert = _mapper_events(base, "after_insert");
  const afterUpdate = _mapper_events(base, "after_update");
  if (afterInsert.length || afterUpdate.length || base._inheriting_mappers.length) {
    let c: ReturnType<UOWTransaction["connection"]> | null = null;
    for (let pass = 0; pass < 2; pass++)
      for (let i = 0; i < states.length; i++) {
        if (hadIdentity[i] !== (pass === 0)) continue;
        const m = states[i]!.mapper;
        const fire = _mapper_events(m, pass === 0 ? "after_update" : "after_insert");
        if (!fire.length) continue;
        c ??= uow.connection(base);
        for (const fn of fire) fn(m, c, states[i]);
      }
  }
  return [...switches, ...inserted];
}

/**
 * Joined-table inheritance: the subclass table's primary key from the base row's (SQLAlchemy's
 * sync of the inherit condition), when the subclass maps it under another attribute name.
 */
function sync_inherited_pk(mapper: Mapper, table: Table, state: InstanceState): void {
  for (let m: Mapper | null = mapper; m; m = m.inherits) {
    if (m.local_table !== table) continue;
    const dict = state.dict;
    for (const [parentCol, childCol] of m._inherits_equated_pairs) {
      const from = mapper._columntoproperty.get(parentCol);
      const to = mapper._columntoproperty.get(childCol);
      if (from && to && from !== to && from.key in dict) dict[to.key] = dict[from.key];
    }
    return;
  }
}

/**
 * A new object whose primary key is already in the identity map (SQLAlchemy's
 * _organize_states_for_save): when that object is being deleted in this flush, a "row switch" — the
 * DELETE and INSERT become one UPDATE, and the deleted object is returned; otherwise SQLAlchemy
 * warns and goes on with the INSERT (which the database then refuses), and this returns null.
 */
function check_identity_conflict(
  uow: UOWTransaction,
  mapper: Mapper,
  state: InstanceState,
): InstanceState | null {
  const key = mapper._identity_key_from_state(state);
  const existing = uow.session.identity_map._state_for(key);
  if (!existing || existing === state) return null;
  if (uow.is_deleting(existing)) {
    uow.remove_state_actions(existing);
    return existing;
  }
  sa_warn(
    `New instance ${instance_str(state.obj)} with identity key ${repr(key)} conflicts with persistent instance ${instance_str(existing.obj)}`,
  );
  return null;
}

/** The UPDATE of a row switch: every attribute the new object was given, matched by its primary key. */
function collect_row_switch_params(
  cols: TableColumns,
  pks: readonly Column[],
  state: InstanceState,
): Params | null {
  const params: Params = {};
  let changed = false;
  for (const [prop, col] of cols) {
    if (col.primary_key || !state._committed_state?.has(prop.key) || !(prop.key in state.dict)) continue;
    params[col.key] = state.dict[prop.key];
    changed = true;
  }
  if (!changed) return null;
  for (const col of pks) params[pkLabel(col)] = state.dict[propKeyOf(cols, col)];
  return params;
}

/** The attribute key of `col` among `cols`. */
function propKeyOf(cols: TableColumns, col: Column): string {
  for (const [prop, c] of cols) if (c === col) return prop.key;
  return col.key;
}

function collect_insert_params(cols: TableColumns, state: InstanceState): Params {
  const params: Params = {};
  const dict = state.dict;
  for (let i = 0; i < cols.length; i++) {
    const pc = cols[i]!;
    const prop = pc[0];
    const col = pc[1];
    const has = prop.key in dict;
    const value = has ? dict[prop.key] : NO_VALUE;
    if (value !== NO_VALUE && value !== null) params[col.key] = value;
    else if (col.primary_key) continue;
    else if (value === null && (col.default !== undefined || col.server_default !== undefined)) continue;
    else if (col.default === undefined && col.server_default === undefined) params[col.key] = null;
  }
  return params;
}

function collect_update_params(
  mapper: Mapper,
  cols: TableColumns,
  pks: readonly Column[],
  state: InstanceState,
): Params | null {
  const params: Params = {};
  let changed = false;
  const committed = state._committed_state;
  if (!committed) return null;
  for (let i = 0; i < cols.length; i++) {
    const pc = cols[i]!;
    const prop = pc[0];
    const col = pc[1];
    if (!committed.has(prop.key)) continue;
    const original = committed.get(prop.key);
    const current = prop.key in state.dict ? state.dict[prop.key] : NO_VALUE;
    if (current === NO_VALUE) continue;
    if (original !== NO_VALUE && is_equal(original, current)) continue;
    params[col.key] = current;
    changed = true;
  }
  if (!changed) return null;
  for (const col of pks) {
    const key = mapper._columntoproperty.get(col)!.key;
    const original = committed.get(key);
    params[pkLabel(col)] = original !== undefined && original !== NO_VALUE ? original : state.dict[key];
  }
  return params;
}

/** What a flush reads from an execution to bring its objects up to date. */
interface ExecutedResult {
  readonly context: {
    readonly compiled: unknown;
    readonly compiled_parameters: readonly Record<string, unknown>[];
    readonly returned_default_row: unknown[] | null;
    readonly isinsert: boolean;
  };
}

/**
 * After an INSERT / UPDATE (persistence._postfetch): the values RETURNING brought back and the
 * Python-side defaults the execution computed go into the object; the columns the server generated
 * without being returned are expired, to be loaded on next access.
 */
function _postfetch(
  mapper: Mapper,
  state: InstanceState,
  result: ExecutedResult,
  params: Record<string, unknown>,
  returned: readonly unknown[] | null,
  returnedCols: readonly Column[],
): void {
  const compiled = result.context.compiled as {
    insert_prefetch?: Column[];
    update_prefetch?: Column[];
    postfetch?: Column[];
  };
  const dict = state.dict;
  if (returned) {
    for (let i = 0; i < returnedCols.length; i++) {
      const col = returnedCols[i]!;
      if (col.primary_key && result.context.isinsert) continue;
      const prop = mapper._columntoproperty.get(col);
      if (prop) dict[prop.key] = returned[i];
    }
  }
  for (const c of [...(compiled.insert_prefetch ?? []), ...(compiled.update_prefetch ?? [])]) {
    const prop = mapper._columntoproperty.get(c);
    if (prop && c.key in params) dict[prop.key] = params[c.key];
  }
  const expire: string[] = [];
  for (const c of compiled.postfetch ?? []) {
    const prop = mapper._columntoproperty.get(c);
    if (prop && !(returned && returnedCols.includes(c))) expire.push(prop.key);
  }
  if (expire.length) state._expire_attributes(expire);
}

/** Whether the execution computed or left anything _postfetch() has to bring into the objects. */
function hasPostfetch(result: ExecutedResult): boolean {
  const c = result.context.compiled as {
    insert_prefetch?: Column[];
    update_prefetch?: Column[];
    postfetch?: Column[];
  };
  return !!(c.insert_prefetch?.length || c.update_prefetch?.length || c.postfetch?.length);
}

/** The columns of the compiler's own RETURNING (return_defaults()), in its row's order. */
function implicitReturning(result: ExecutedResult): readonly Column[] {
  const c = result.context.compiled as {
    _implicit_returning?: boolean;
    effective_returning?: Column[] | null;
  };
  return c._implicit_returning ? (c.effective_returning ?? []) : [];
}

function emit_update_statements(
  uow: UOWTransaction,
  mapper: Mapper,
  table: Table,
  records: SaveRecord[],
): void {
  const conn = uow.connection(mapper);
  const pks = records[0]!.mapper._pks_by_table.get(table)!;
  const where = and_(...pks.map((c) => c.eq(bindparam(pkLabel(c), undefined, { type_: c.type }))));
  const dialect = conn.dialect as {
    supports_sane_rowcount?: boolean;
    supports_sane_multi_rowcount?: boolean;
    update_returning?: boolean;
  };
  const onupdateCols = mapper._server_onupdate_default_cols_for(table);
  const check = (matched: number, expected: number, many: boolean) => {
    const sane = many
      ? dialect.supports_sane_multi_rowcount !== false
      : dialect.supports_sane_rowcount !== false;
    if (sane && matched >= 0 && matched !== expected) {
      throw new StaleDataError(
        `UPDATE statement on table '${table.name}' expected to update ${expected} row(s); ${matched} were matched.`,
      );
    }
  };
  for (const group of groupConsecutive(records, (a, b) => sameKeys(a.keys, b.keys))) {
    let stmt = update(table).where(where);
    // eager_defaults=True: the server's onupdate values come back by RETURNING, one row at a time
    const has_all_defaults = onupdateCols.every((c) => c.key in group[0]!.params);
    const return_defaults = mapper.eager_defaults === true && !has_all_defaults && !!dialect.update_returning;
    if (return_defaults) {
      stmt = stmt.return_defaults(...onupdateCols);
      for (const r of group) {
        const result = conn.execute(stmt, r.params, { compiled_cache: mapper._compiled_cache });
        check(result.rowcount, 1, false);
        const ctx = result.context;
        _postfetch(
          r.mapper,
          r.state,
          result,
          ctx.compiled_parameters[0]!,
          ctx.returned_default_row,
          implicitReturning(result),
        );
      }
      continue;
    }
    const params = group.map((r) => r.params);
    const result = conn.execute(stmt, params.length === 1 ? params[0]! : params, {
      compiled_cache: mapper._compiled_cache,
    });
    check(result.rowcount, params.length, params.length > 1);
    if (!hasPostfetch(result)) continue;
    const compiled_parameters = result.context.compiled_parameters;
    for (let i = 0; i < group.length; i++)
      _postfetch(group[i]!.mapper, group[i]!.state, result, compiled_parameters[i]!, null, []);
  }
}

function emit_insert_statements(
  uow: UOWTransaction,
  mapper: Mapper,
  table: Table,
  records: InsertRecord[],
): void {
  const conn = uow.connection(mapper);
  const pkCols = records[0]!.mapper._pks_by_table.get(table)!;
  const setPk = (r: InsertRecord, values: readonly unknown[]) => {
    const dict = r.state.dict;
    const pkKeys = r.mapper._pk_keys_for(table);
    for (let i = 0; i < pkKeys.length; i++) {
      const v = values[i];
      if (v !== undefined && v !== null) dict[pkKeys[i]!] = v;
    }
  };
  const dialect = conn.dialect as { use_insertmanyvalues?: boolean; insert_returning?: boolean };
  const preferEager = mapper._prefer_eager_defaults(dialect, table);
  const serverDefaults = mapper._server_default_cols_for(table);
  for (const group of groupConsecutive(
    records,
    (a, b) => a.has_all_pks === b.has_all_pks && sameKeys(a.keys, b.keys),
  )) {
    const has_all_defaults = !preferEager || serverDefaults.every((c) => c.key in group[0]!.params);
    const options = { compiled_cache: mapper._compiled_cache };
    if (group.every((r) => r.has_all_pks) && has_all_defaults) {
      const params = group.map((r) => r.params);
      const result = conn.execute(insert(table), params.length === 1 ? params[0]! : params, options);
      if (!hasPostfetch(result)) continue;
      const cps = result.context.compiled_parameters;
      for (let i = 0; i < group.length; i++)
        _postfetch(group[i]!.mapper, group[i]!.state, result, cps[i]!, null, []);
      continue;
    }
    const wanted = has_all_defaults ? [] : serverDefaults;
    if (group.length > 1 && dialect.use_insertmanyvalues && dialect.insert_returning) {
      const returned = [...pkCols, ...wanted];
      const stmt = insert(table).returning(...returned, { sort_by_parameter_order: true });
      const result = conn.execute(
        stmt,
        group.map((r) => r.params),
        options,
      );
      const rows = result._all_data();
      const cps = result.context.compiled_parameters;
      for (let i = 0; i < group.length; i++) {
        const row = rows[i];
        if (row) setPk(group[i]!, row);
        _postfetch(group[i]!.mapper, group[i]!.state, result, cps[i] ?? {}, row ?? null, returned);
      }
      continue;
    }
    const stmt = wanted.length
      ? insert(table).return_defaults(...wanted, { sort_by_parameter_order: true })
      : insert(table);
    for (const r of group) {
      const result = conn.execute(stmt, r.params, options);
      let pk: readonly unknown[] | null = null;
      if (result.returns_rows) {
        const row = result.fetchone();
        if (row) pk = pkCols.map((_c, j) => row._data[j]);
      }
      if (!pk || pk.some((v) => v === null || v === undefined)) {
        const ipk = result.inserted_primary_key;
        if (ipk) pk = pkCols.map((c, j) => ipk[j] ?? r.params[c.key] ?? null);
      }
      if (pk) setPk(r, pk);
      const ctx = result.context;
      _postfetch(
        r.mapper,
        r.state,
        result,
        ctx.compiled_parameters[0]!,
        ctx.returned_default_row,
        implicitReturning(result),
      );
    }
  }
}

/** Deletes the rows of `states` (objects of one base mapper), the subclass tables' rows first. */
export function delete_obj(uow: UOWTransaction, base: Mapper, states: InstanceState[]): void {
  const conn = uow.connection(base);
  for (const state of states)
    for (const fn of _mapper_events(state.mapper, "before_delete")) fn(state.mapper, conn, state);
  // the primary key of an expired object is loaded first, with its other expired attributes
  // (SQLAlchemy reads each row's key through _get_committed_state_attr_by_column)
  for (const state of states) {
    const expired = state._expired_attributes;
    if (!expired?.size) continue;
    for (const k of state.mapper._pk_keys)
      if (!(k in state.dict) && expired.has(k)) {
        state._load_expired();
        break;
      }
  }
  const tables = base._sorted_tables;
  for (let t = tables.length - 1; t >= 0; t--) {
    const table = tables[t]!;
    const rows = tables.length === 1 ? states : states.filter((s) => s.mapper._pks_by_table.has(table));
    if (!rows.length) continue;
    const pks = rows[0]!.mapper._pks_by_table.get(table)!;
    const where = and_(...pks.map((c) => c.eq(bindparam(c.key, undefined, { type_: c.type }))));
    const params = rows.map((state) => {
      const mapper = state.mapper;
      const p: Params = {};
      for (const col of pks) {
        const key = mapper._columntoproperty.get(col)!.key;
        const original = state.committed_state.get(key);
        const i = mapper._pk_keys.indexOf(key);
        p[col.key] =
          original !== undefined && original !== NO_VALUE
            ? original
            : i >= 0
              ? (state.key![1] as unknown as unknown[])[i]
              : state.dict[key];
      }
      return p;
    });
    const stmt = delete_(table).where(where);
    conn.execute(stmt, params.length === 1 ? params[0]! : params, { compiled_cache: base._compiled_cache });
  }
  for (const state of states)
    for (const fn of _mapper_events(state.mapper, "after_delete")) fn(state.mapper, conn, state);
}
