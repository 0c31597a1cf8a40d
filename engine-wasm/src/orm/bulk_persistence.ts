/**
 * `sqlalchemy.orm.bulk_persistence`: ORM-enabled `update(User)` / `delete(User)` run by a Session
 * (BulkORMUpdate / BulkORMDelete), with `synchronize_session` ("auto" by default):
 *
 * - "evaluate": the WHERE clause is evaluated in Python against the objects in the identity map
 *   (orm/evaluator.ts); a WHERE that cannot be evaluated raises InvalidRequestError;
 * - "fetch": the statement gets `RETURNING <primary key>` and the rows it names are the matched
 *   objects;
 * - "auto": "evaluate", falling back to "fetch" when the WHERE cannot be evaluated;
 * - false: the objects in the Session are left as they are.
 *
 * Matched objects of an UPDATE take the new values where the SET can be evaluated in Python and
 * have the other SET attributes expired; matched objects of a DELETE are marked deleted.
 */
import type { Connection } from "../engine/base.ts";
import type { CursorResult } from "../engine/cursor.ts";
import { IteratorResult, ResultMetaData } from "../engine/result.ts";
import { ArgumentError, InvalidRequestError } from "../exc.ts";
import { Delete, Insert, insert, Update, type UpdateBase, update } from "../sql/dml.ts";
import { and_, bindparam, ClauseElement } from "../sql/elements.ts";
import type { Column } from "../sql/schema.ts";
import { mapperOf, returning_instances } from "./context.ts";
import { _EXPIRED_OBJECT, type Evaluator, EvaluatorCompiler, UnevaluatableError } from "./evaluator.ts";
import { StaleDataError } from "./exc.ts";
import type { Mapper } from "./mapper.ts";
import type { Session } from "./session.ts";
import type { InstanceState } from "./state.ts";

type SyncStrategy = "auto" | "evaluate" | "fetch" | false;

/**
 * ORM bulk INSERT of a list of parameter dictionaries (persistence._collect_insert_commands and
 * _emit_insert_statements): a `None` value is left out, so that the column's default applies, unless
 * `render_nulls`; consecutive dictionaries with the same keys run as one executemany, each run an
 * INSERT of its own keys. With RETURNING, the result has the rows of every run, in order.
 */
function _bulk_insert(
  conn: Connection,
  stmt: Insert,
  params: readonly Record<string, unknown>[],
  options: Record<string, unknown>,
  render_nulls: boolean,
) {
  const groups: Record<string, unknown>[][] = [];
  let lastKeys: string | null = null;
  for (const p of params) {
    const record = render_nulls
      ? p
      : Object.fromEntries(Object.entries(p).filter(([, v]) => v !== null && v !== undefined));
    const keys = Object.keys(record).sort().join("\u0000");
    if (keys !== lastKeys) groups.push([]);
    lastKeys = keys;
    groups.at(-1)!.push(record);
  }
  if (groups.length === 1) return conn.execute(stmt, groups[0] as never, options);
  const results = groups.map((g) => conn.execute(stmt, g as never, options));
  if (!stmt._returning.length) return results.at(-1)!;
  const rows = results.flatMap((r) => r.all().map((row) => [...row._data]));
  return new IteratorResult(results[0]!._metadata, rows);
}

/**
 * ORM bulk INSERT of a polymorphic class (bulk_persistence._bulk_insert over the mapper's tables):
 * one INSERT per table, base table first, each of the columns of that table; the discriminator is
 * filled in and each row's primary key, returned in parameter order by the base table's INSERT,
 * goes into the rows of the tables after it. RETURNING gives each table's returned columns, the
 * results spliced side by side.
 */
function _bulk_insert_inherited(
  conn: Connection,
  stmt: Insert,
  mapper: Mapper,
  params: readonly Record<string, unknown>[],
  options: Record<string, unknown>,
  render_nulls: boolean,
) {
  const mappings = params.map((p) => ({ ...p }));
  const on = mapper.polymorphic_on;
  if (on !== null && mapper.polymorphic_identity !== null) {
    const key = mapper._columntoproperty.get(on)!.key;
    for (const m of mappings) if (!(key in m)) m[key] = mapper.polymorphic_identity;
  }
  const tables = mapper.tables;
  let spliced: { keys: string[]; objects: (readonly unknown[])[]; rows: unknown[][] } | null = null;
  let last: ReturnType<typeof _bulk_insert> | null = null;
  for (let t = 0; t < tables.length; t++) {
    const table = tables[t]!;
    const cols = mapper._cols_by_table.get(table)!;
    const rows = mappings.map((m) => {
      const record: Record<string, unknown> = {};
      for (const [prop, col] of cols) if (prop.key in m) record[col.key] = m[prop.key];
      return record;
    });
    const pks = mapper._pks_by_table.get(table)!;
    const returning = stmt._returning.filter((c) => (c as { table?: unknown }).table === table);
    // the primary key of the rows, for the tables after this one
    const needPk = t < tables.length - 1 && rows.some((r) => pks.some((c) => r[c.key] == null));
    const wanted = needPk ? [...returning, ...pks.filter((c) => !returning.includes(c))] : returning;
    let tstmt = insert(table);
    // (in parameter order: the rows of each table are matched to the parameters and to each other)
    if (wanted.length)
      tstmt = tstmt.returning(...wanted, { sort_by_parameter_order: tables.length > 1 }) as Insert;
    const result = _bulk_insert(conn, tstmt, rows, options, render_nulls);
    last = result;
    if (!wanted.length) continue;
    const data = result.all().map((r) => [...r._data]);
    if (needPk) {
      const keys = pks.map((c) => mapper._columntoproperty.get(c)!.key);
      const at = pks.map((c) => wanted.indexOf(c));
      data.forEach((row, i) => {
        for (let k = 0; k < keys.length; k++) mappings[i]![keys[k]!] = row[at[k]!];
      });
    }
    if (!returning.length) continue;
    const md = result._metadata;
    const n = returning.length;
    if (spliced === null) spliced = { keys: [], objects: [], rows: data.map(() => []) };
    spliced.keys.push(...md.keys.slice(0, n));
    spliced.objects.push(...md._objects.slice(0, n));
    for (let i = 0; i < data.length; i++) spliced.rows[i]!.push(...data[i]!.slice(0, n));
  }
  if (spliced === null) return last!;
  return new IteratorResult(new ResultMetaData(spliced.keys, { objects: spliced.objects }), spliced.rows);
}

/**
 * ORM bulk UPDATE by primary key of a joined subclass: each dictionary names its row by the primary
 * key; per table, the rows that set one of its columns, consecutive ones with the same keys in one
 * executemany, matched by `<table>_<column>` (persistence._emit_update_statements). The objects of
 * those rows in the identity map take the new values.
 */
function _bulk_update_joined(
  session: Session,
  conn: Connection,
  mapper: Mapper,
  params: readonly Record<string, unknown>[],
  options: Record<string, unknown>,
) {
  const pkKeys = mapper._pk_keys;
  for (const p of params)
    for (const k of pkKeys)
      if (p[k] === undefined || p[k] === null)
        throw new InvalidRequestError(
          `No primary key value supplied for column(s) ${mapper.primary_key.map((c) => `${c.table?.name}.${c.name}`).join(", ")}; per-row ORM Bulk UPDATE by Primary Key requires that records contain primary key values`,
        );
  let last: ReturnType<Connection["execute"]> | null = null;
  for (const table of mapper.tables) {
    const cols = mapper._cols_by_table.get(table)!;
    const pks = mapper._pks_by_table.get(table)!;
    const label = (c: { name: string }) => `${table.name}_${c.name}`;
    const records: Record<string, unknown>[] = [];
    for (const p of params) {
      const record: Record<string, unknown> = {};
      let any = false;
      for (const [prop, col] of cols) {
        if (!(prop.key in p) || pks.includes(col)) continue;
        record[col.key] = p[prop.key];
        any = true;
      }
      if (!any) continue;
      for (const c of pks) record[label(c)] = p[mapper._columntoproperty.get(c)!.key];
      records.push(record);
    }
    const where = and_(...pks.map((c) => c.eq(bindparam(label(c), undefined, { type_: c.type }))));
    let group: Record<string, unknown>[] = [];
    let groupKeys = "";
    const flush = () => {
      if (!group.length) return;
      last = conn.execute(update(table).where(where), (group.length === 1 ? group[0] : group) as never, {
        ...options,
        compiled_cache: mapper.base_mapper._compiled_cache,
      });
      group = [];
    };
    for (const r of records) {
      const keys = Object.keys(r).join("\u0000");
      if (keys !== groupKeys) flush();
      groupKeys = keys;
      group.push(r);
    }
    flush();
  }
  // the objects in the Session take the new values (synchronize_session "auto" / "evaluate")
  for (const p of params) {
    const state = session.identity_map._state_for(
      mapper.identity_key_from_primary_key(pkKeys.map((k) => p[k])),
    );
    if (!state) continue;
    const keys: string[] = [];
    for (const [k, v] of Object.entries(p)) {
      if (pkKeys.includes(k) || !mapper._impls.has(k) || !(k in state.dict)) continue;
      state.dict[k] = v;
      keys.push(k);
    }
    state._commit(keys);
  }
  return last!;
}

/**
 * `session.execute(update(User), [{ id: 1, fullname: "…" }, …])` (BulkORMUpdate's "bulk" strategy,
 * _bulk_update and persistence._emit_update_statements): the statement gets
 * `WHERE <pk> = :<table>_<pk>`, the other keys of each dictionary are its SET; consecutive
 * dictionaries with the same keys run as one executemany. Objects already in the Session take
 * the new values of their unmodified attributes (synchronize_session "auto" is "evaluate" here).
 */
function _bulk_update_by_primary_key(
  session: Session,
  mapper: Mapper,
  stmt: Update,
  params: readonly Record<string, unknown>[],
  execution_options: Record<string, unknown>,
  coreOptions: Record<string, unknown>,
) {
  let sync = (execution_options.synchronize_session ?? "auto") as SyncStrategy;
  if (sync !== false && sync !== "auto" && sync !== "evaluate" && sync !== "fetch") {
    throw new ArgumentError(
      "Valid strategies for session synchronization are 'auto', 'evaluate', 'fetch', False",
    );
  }
  if (sync === "fetch") {
    throw new InvalidRequestError(
      "The 'fetch' synchronization strategy is not available for 'bulk' ORM updates (i.e. multiple parameter sets)",
    );
  }
  if (execution_options.autoflush !== false) session._autoflush();
  if (sync === "auto") sync = "evaluate";
  if (stmt._where_criteria.length && sync === "evaluate") {
    throw new InvalidRequestError(
      "bulk synchronize of persistent objects not supported when using bulk update with additional WHERE criteria right now.  add synchronize_session=None execution option to bypass synchronize of persistent objects.",
    );
  }
  const table = mapper.local_table;
  const pkCols = mapper.primary_key;
  const pkKeys = mapper._pk_keys;
  const hasValue = !!stmt._values?.size;
  // attribute key -> column of the table (the primary key's aside)
  const setCols = new Map<string, Column>();
  for (const [col, prop] of mapper._columntoproperty) {
    if (col.table === table && !pkCols.includes(col)) setCols.set(prop.key, col);
  }
  const records: { params: Record<string, unknown>; keys: string }[] = [];
  for (const mapping of params) {
    const record: Record<string, unknown> = {};
    for (const key of Object.keys(mapping)) {
      const col = setCols.get(key);
      if (col) record[col.key] = mapping[key];
    }
    const missing = pkCols.filter(
      (_c, i) => mapping[pkKeys[i]!] === undefined || mapping[pkKeys[i]!] === null,
    );
    if (missing.length) {
      throw new InvalidRequestError(
        `No primary key value supplied for column(s) ${missing.map((c) => `${table.name}.${c.name}`).join(", ")}; per-row ORM Bulk UPDATE by Primary Key requires that records contain primary key values`,
        { code: "bupq" },
      );
    }
    if (!Object.keys(record).length && !hasValue) continue;
    const keys = Object.keys(record).sort().join("\u0000");
    pkCols.forEach((c, i) => {
      record[`${table.name}_${c.name}`] = mapping[pkKeys[i]!];
    });
    records.push({ params: record, keys });
  }
  const conn = session._connection_for_bind(session.get_bind(mapper, { clause: stmt }));
  const where = and_(
    ...pkCols.map((c) => c.eq(bindparam(`${table.name}_${c.name}`, undefined, { type_: c.type }))),
  );
  const statement = stmt.where(where);
  const options = { ...coreOptions, compiled_cache: mapper._compiled_cache };
  const dialect = conn.dialect as {
    supports_sane_rowcount?: boolean;
    supports_sane_multi_rowcount?: boolean;
  };
  let rows = 0;
  let check = !stmt._where_criteria.length && dialect.supports_sane_rowcount !== false;
  // a statement with values() of its own runs once per dictionary; otherwise one executemany per run
  const groups: Record<string, unknown>[][] = [];
  let last: string | null = null;
  for (const r of records) {
    if (hasValue || r.keys !== last) groups.push([]);
    last = r.keys;
    groups.at(-1)!.push(r.params);
  }
  for (const group of groups) {
    const result = conn.execute(statement, (group.length === 1 ? group[0] : group) as never, options);
    rows += result.rowcount;
    if (group.length > 1 && dialect.supports_sane_multi_rowcount === false) check = false;
  }
  if (check && rows !== records.length) {
    throw new StaleDataError(
      `UPDATE statement on table '${table.name}' expected to update ${records.length} row(s); ${rows} were matched.`,
    );
  }
  if (sync === "evaluate") _do_post_synchronize_bulk_evaluate(session, mapper, params);
  return new IteratorResult(new ResultMetaData([]), []);
}

/** The objects the dictionaries name take their new values (attributes changed in the Session are expired). */
function _do_post_synchronize_bulk_evaluate(
  session: Session,
  mapper: Mapper,
  params: readonly Record<string, unknown>[],
): void {
  const pkKeys = mapper._pk_keys;
  for (const param of params) {
    const state = session.identity_map._state_for(
      mapper.identity_key_from_primary_key(pkKeys.map((k) => param[k])),
    );
    if (!state) continue;
    const evaluated = Object.keys(param).filter((k) => !pkKeys.includes(k) && mapper.attrs.has(k));
    const dict = state.dict;
    const to_evaluate = [...state.unmodified_intersection(evaluated)];
    for (const key of to_evaluate) if (key in dict) dict[key] = param[key];
    state._commit(to_evaluate);
    const to_expire = evaluated.filter((k) => k in dict && !to_evaluate.includes(k));
    if (to_expire.length) state._expire_attributes(to_expire);
  }
}

/** An object the WHERE matched, and whether it matched only because attributes were expired. */
interface Matched {
  state: InstanceState;
  expired: boolean;
}

export function execute_bulk(
  session: Session,
  stmt: UpdateBase,
  params: Record<string, unknown> | readonly Record<string, unknown>[] | null,
  options: Record<string, unknown>,
) {
  // the statement's own execution options, then those given to Session.execute()
  const execution_options = { ...stmt._execution_options, ...options };
  const mapper = mapperOf(stmt._entity)!;
  const conn = () => session._connection_for_bind(session.get_bind(mapper, { clause: stmt }));
  const coreOptions = { ...execution_options };
  delete coreOptions.synchronize_session;
  if (stmt instanceof Insert) {
    if (execution_options.autoflush !== false) session._autoflush();
    const bulk = Array.isArray(params) && params.length > 0 && !stmt._multi_values && !stmt._select_names;
    const render_nulls = execution_options.render_nulls === true;
    const result = !bulk
      ? conn().execute(stmt, params as never, coreOptions)
      : mapper.polymorphic_map !== null
        ? _bulk_insert_inherited(conn(), stmt, mapper, params, coreOptions, render_nulls)
        : _bulk_insert(conn(), stmt, params, coreOptions, render_nulls);
    return returning_instances(session, stmt, result as CursorResult, execution_options);
  }
  if (stmt instanceof Update && Array.isArray(params) && mapper.tables.length > 1) {
    if (execution_options.autoflush !== false) session._autoflush();
    return _bulk_update_joined(session, conn(), mapper, params, coreOptions);
  }
  if (stmt instanceof Update && Array.isArray(params)) {
    // "bulk UPDATE by primary key": each dictionary names a row by its primary key
    return _bulk_update_by_primary_key(session, mapper, stmt, params, execution_options, coreOptions);
  }
  const sync = (execution_options.synchronize_session ?? "auto") as SyncStrategy;
  if (sync !== false && sync !== "auto" && sync !== "evaluate" && sync !== "fetch") {
    throw new ArgumentError(
      "Valid strategies for session synchronization are 'auto', 'evaluate', 'fetch', False",
    );
  }
  if (execution_options.autoflush !== false) session._autoflush();

  // a single-table subclass's rows are those of its discriminator values (added after the
  // statement's own criteria, which alone are evaluated against the objects)
  const crit = mapper._single_table_criterion;
  const executed = crit !== null ? (stmt as Update).where(crit) : stmt;
  let strategy = sync;
  let matched: Matched[] = [];
  if (sync === "auto" || sync === "evaluate") {
    let condition: Evaluator | null = null;
    try {
      condition = stmt._where_criteria.length
        ? new EvaluatorCompiler(mapper).process(and_(...stmt._where_criteria))
        : () => true;
    } catch (err) {
      if (!(err instanceof UnevaluatableError)) throw err;
      if (sync === "evaluate") {
        throw new InvalidRequestError(
          `Could not evaluate current criteria in Python: "${err.message}". Specify 'fetch' or False for the synchronize_session execution option.`,
        );
      }
      strategy = "fetch";
    }
    if (condition) {
      strategy = "evaluate";
      matched = _get_matched_objects_on_criteria(session, mapper, condition);
    }
  }

  if (strategy === "fetch") {
    // (the primary key of the statement's table: a joined subclass's own)
    const pks = mapper._pks_by_table.get(mapper.local_table)!;
    const result = conn().execute(executed.returning(...pks), params as never, coreOptions);
    for (const row of result.all()) {
      const state = session.identity_map._state_for(mapper.identity_key_from_primary_key([...row._data]));
      if (state) matched.push({ state, expired: false });
    }
    _synchronize(session, mapper, stmt, matched);
    return result;
  }
  const result = conn().execute(executed, params as never, coreOptions);
  if (strategy === "evaluate") _synchronize(session, mapper, stmt, matched);
  return returning_instances(session, stmt, result, execution_options);
}

/** The loaded, unexpired objects of the statement's class for which the WHERE is true (or unknown: expired). */
function _get_matched_objects_on_criteria(session: Session, mapper: Mapper, condition: Evaluator): Matched[] {
  const out: Matched[] = [];
  for (const state of session.identity_map.all_states()) {
    if ((state.mapper !== mapper && !state.mapper.isa(mapper)) || state.expired) continue;
    const v = condition(state);
    if (v === true || v === _EXPIRED_OBJECT) out.push({ state, expired: v === _EXPIRED_OBJECT });
  }
  return out;
}

function _synchronize(session: Session, mapper: Mapper, stmt: UpdateBase, matched: Matched[]): void {
  if (stmt instanceof Delete) {
    for (const { state } of matched) session._remove_newly_deleted(state);
    return;
  }
  _apply_update_set_values_to_objects(session, mapper, stmt, matched);
}

/** The SET values Python can compute go into each matched object; the other SET attributes are expired. */
function _apply_update_set_values_to_objects(
  session: Session,
  mapper: Mapper,
  stmt: UpdateBase,
  matched: Matched[],
): void {
  const compiler = new EvaluatorCompiler(mapper);
  const evaluators = new Map<string, Evaluator>();
  const attrib = new Set<string>();
  for (const [colKey, value] of stmt._values ?? []) {
    const col = mapper.local_table.c.get(colKey);
    const prop = col ? mapper._columntoproperty.get(col) : undefined;
    if (!prop) continue;
    attrib.add(prop.key);
    if (!(value instanceof ClauseElement)) {
      evaluators.set(prop.key, () => value);
      continue;
    }
    try {
      evaluators.set(prop.key, compiler.process(value));
    } catch (err) {
      if (!(err instanceof UnevaluatableError)) throw err;
    }
  }
  for (const { state, expired } of matched) {
    if (expired) {
      state._expire_attributes([...mapper._scalar_loader_keys]);
      continue;
    }
    const values = new Map<string, unknown>();
    for (const [key, ev] of evaluators) if (key in state.dict) values.set(key, ev(state));
    for (const [key, v] of values) state.dict[key] = v;
    state._expire_attributes([...evaluators.keys()].filter((k) => !values.has(k)));
    state._commit(values.keys());
    const toExpire = [...attrib].filter((k) => !evaluators.has(k) && k in state.dict);
    if (toExpire.length) state._expire_attributes(toExpire);
    if (!state._committed_state?.size) session.identity_map._modified.delete(state);
  }
}
