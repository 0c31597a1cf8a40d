/**
 * PGDialect's reflection (the `get_*` / `get_multi_*` methods of SQLAlchemy's
 * dialects/postgresql/base.py): each `get_multi_*` runs one catalog query (pg_catalog.ts) for the
 * tables named, and the one-table `get_*` methods are those for a single name, cached per Inspector
 * as `@reflection.cache` caches them. `_get_table_oids` is shared by the primary key, index and
 * unique constraint queries (its `flexi_cache`), `_load_domains` / `_load_enums` by the columns.
 */
import type { Connection } from "../../engine/base.ts";
import { DefaultDialect } from "../../engine/default.ts";
import {
  cached,
  type ReflectedCheckConstraint,
  type ReflectedColumn,
  type ReflectedForeignKey,
  type ReflectedIndex,
  type ReflectedPrimaryKey,
  type ReflectedTableComment,
  type ReflectedUniqueConstraint,
  type ReflectionKw,
} from "../../engine/reflection.ts";
import { NoSuchTableError, SAWarning } from "../../exc.ts";
import * as T from "../../sql/sqltypes.ts";
import { NotImplementedError } from "../../util/builtins.ts";
import { warn } from "../../util/warnings.ts";
import { type StatementName, statement } from "./pg_catalog.ts";
import { BYTEA, DOUBLE_PRECISION, INTERVAL, JSONB, UUID } from "./types.ts";

type TypeClass = new (...args: any[]) => T.TypeEngine;

/** PostgreSQL's type names (as format_type() gives them) → the type reflection gives (ischema_names). */
export const ischema_names: Readonly<Record<string, TypeClass>> = {
  json: T.JSON,
  jsonb: JSONB,
  integer: T.INTEGER,
  bigint: T.BIGINT,
  smallint: T.SMALLINT,
  "character varying": T.VARCHAR,
  character: T.CHAR,
  '"char"': T.String,
  name: T.String,
  text: T.TEXT,
  numeric: T.NUMERIC,
  float: T.FLOAT,
  real: T.REAL,
  uuid: UUID,
  "double precision": DOUBLE_PRECISION,
  timestamp: T.TIMESTAMP,
  "timestamp with time zone": T.TIMESTAMP,
  "timestamp without time zone": T.TIMESTAMP,
  "time with time zone": T.TIME,
  "time without time zone": T.TIME,
  date: T.DATE,
  time: T.TIME,
  bytea: BYTEA,
  boolean: T.BOOLEAN,
  interval: INTERVAL,
};

interface Domain {
  name: string;
  schema: string;
  visible: boolean;
  type: string;
  nullable: boolean;
  default: string | null;
  constraints: { name: string; check: string }[];
  collation: string | null;
}
interface EnumRecord {
  name: string;
  schema: string;
  visible: boolean;
  labels: string[];
}

type Row = Record<string, unknown>;

function rows(connection: Connection, name: StatementName, schema: string | null, params: Row = {}): Row[] {
  return connection.execute(statement(name, schema), params).mappings().all() as Row[];
}

/** The statement for the default schema or the one named. */
function scoped(name: StatementName, schema: string | null): StatementName {
  return (schema === null ? name : `${name}_in_schema`) as StatementName;
}

/** SQLAlchemy's `util.quoted_token_parser`: `schema.name` / `"Schema"."Name"` into its parts. */
function quoted_token_parser(value: string): string[] {
  if (!value.includes('"')) return value.split(".");
  const result: string[] = [""];
  let inQuotes = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '"') {
      if (inQuotes && value[i + 1] === '"') {
        result[result.length - 1] += '"';
        i++;
      } else inQuotes = !inQuotes;
    } else if (ch === "." && !inQuotes) result.push("");
    else result[result.length - 1] += ch;
  }
  return result;
}

/** The identifier preparer's `_unquote_identifier`. */
function unquote(value: string): string {
  return value.startsWith('"') ? value.slice(1, -1).replace(/""/g, '"') : value;
}

/** SQLAlchemy's `util.strip_outer_parens`: one layer of parentheses wrapping the whole text (quotes honoured). */
function strip_outer_parens(text: string): string {
  const s = text.trim();
  if (s.length < 2 || s[0] !== "(" || s.at(-1) !== ")") return text;
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) return i === s.length - 1 ? s.slice(1, -1) : text;
  }
  return text;
}

/** The reflection methods of PGDialect (base.ts), which extends this class. */
export class PGDialectReflection extends DefaultDialect {
  _value_or_raise<V>(data: Map<string, V>, table: string, schema: string | null): V {
    const v = data.get(table);
    if (v === undefined) throw new NoSuchTableError(schema ? `${schema}.${table}` : table);
    return v;
  }

  get_table_names(connection: Connection, schema: string | null = null, kw: ReflectionKw = {}): string[] {
    return cached("get_table_names", [schema], kw, () =>
      rows(connection, scoped("table_names", schema), schema).map((r) => r.relname as string),
    );
  }

  get_view_names(connection: Connection, schema: string | null = null, kw: ReflectionKw = {}): string[] {
    return cached("get_view_names", [schema], kw, () =>
      rows(connection, scoped("view_names", schema), schema).map((r) => r.relname as string),
    );
  }

  get_schema_names(connection: Connection, kw: ReflectionKw = {}): string[] {
    return cached("get_schema_names", [], kw, () =>
      rows(connection, "schema_names", null).map((r) => r.nspname as string),
    );
  }

  /* -------------------------------------------------------------------- columns -- */

  _load_domains(connection: Connection, kw: ReflectionKw): Domain[] {
    return cached("_load_domains", ["*"], { info_cache: kw.info_cache }, () =>
      rows(connection, "domains", null).map((d) => {
        const attype = /([^(]+)/.exec(d.attype as string)![1]!;
        const constraints: Domain["constraints"] = [];
        const names = (d.connames as string[] | null) ?? [];
        const defs = (d.condefs as string[] | null) ?? [];
        const pairs = names.map((n, i) => [n, defs[i]!] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));
        for (const [name, def] of pairs)
          if (def.toLowerCase().startsWith("check")) constraints.push({ name, check: def.slice(7, -1) });
        return {
          name: d.name as string,
          schema: d.schema as string,
          visible: d.visible as boolean,
          type: attype,
          nullable: d.nullable as boolean,
          default: d.default as string | null,
          constraints,
          collation: d.collname as string | null,
        };
      }),
    );
  }

  _load_enums(connection: Connection, kw: ReflectionKw): EnumRecord[] {
    return cached("_load_enums", ["*"], { info_cache: kw.info_cache }, () =>
      rows(connection, "enums", null).map((e) => ({
        name: e.name as string,
        schema: e.schema as string,
        visible: e.visible as boolean,
        labels: (e.labels as string[] | null) ?? [],
      })),
    );
  }

  /** A type from format_type()'s text (SQLAlchemy's `_reflect_type`). */
  _reflect_type(
    format_type: string | null,
    domains: Map<string, Domain>,
    enums: Map<string, EnumRecord>,
    type_description: string,
  ): T.TypeEngine {
    if (format_type === null) {
      warn(`PostgreSQL format_type() returned NULL for ${type_description}`, SAWarning);
      return T.NULLTYPE;
    }
    const argsMatch = /\((.*)\)/.exec(format_type);
    const attype_args = argsMatch?.[1] ? argsMatch[1].split(/\s*,\s*/) : [];
    const array_dim = (/((?:\[\])*)$/.exec(format_type)?.[1]?.length ?? 0) / 2;
    const attype = format_type.replace(/\((.*)\)/, "").replace(/((?:\[\])*)$/, "");
    let cls: TypeClass | undefined = ischema_names[attype.toLowerCase()];
    let args: unknown[] = [];
    if (attype === "numeric") {
      if (attype_args.length === 2) args = attype_args.map(Number);
    } else if (attype === "double precision") args = [53];
    else if (attype === "integer") args = [];
    else if (attype === "timestamp with time zone" || attype === "time with time zone") args = [true];
    else if (
      attype === "timestamp without time zone" ||
      attype === "time without time zone" ||
      attype === "time"
    )
      args = [];
    else if (attype === "interval" || attype.startsWith("interval ")) {
      cls = INTERVAL;
      const field = /^interval (.+)/.exec(attype);
      args = [
        {
          fields: field ? field[1] : undefined,
          precision: attype_args.length === 1 ? Number(attype_args[0]) : undefined,
        },
      ];
    } else {
      const key = quoted_token_parser(attype).join("\u0000");
      const enum_ = enums.get(key);
      const domain = domains.get(key);
      if (enum_ !== undefined) {
        cls = T.Enum;
        args = [...enum_.labels, { name: enum_.name }];
      } else if (domain !== undefined) {
        throw new NotImplementedError(
          `reflecting the DOMAIN type '${domain.name}' of ${type_description} is not implemented in this port`,
        );
      } else {
        const n = Number.parseInt(attype_args[0] ?? "", 10);
        args = Number.isNaN(n) ? attype_args : [n, ...attype_args.slice(1)];
      }
    }
    if (cls === undefined) {
      warn(`Did not recognize type '${attype}' of ${type_description}`, SAWarning);
      return T.NULLTYPE;
    }
    if (array_dim >= 1) {
      throw new NotImplementedError(
        `reflecting the ARRAY type '${format_type}' of ${type_description} is not implemented in this port`,
      );
    }
    return new cls(...args);
  }

  get_multi_columns(
    connection: Connection,
    schema: string | null,
    filter_names: string[],
    kw: ReflectionKw = {},
  ): Map<string, ReflectedColumn[]> {
    const result = rows(connection, scoped("columns", schema), schema, { filter_names });
    const domains = new Map<string, Domain>();
    for (const d of this._load_domains(connection, kw))
      domains.set(d.visible ? d.name : `${d.schema}\u0000${d.name}`, d);
    const enums = new Map<string, EnumRecord>();
    for (const e of this._load_enums(connection, kw))
      enums.set(e.visible ? e.name : `${e.schema}\u0000${e.name}`, e);
    const columns = new Map<string, ReflectedColumn[]>();
    for (const row of result) {
      const table = row.table_name as string;
      if (!columns.has(table)) columns.set(table, []);
      if (row.name === null) continue; // a table with no columns
      const type = this._reflect_type(
        row.format_type as string | null,
        domains,
        enums,
        `column '${row.name}'`,
      );
      let def = row.default as string | null;
      const generated = row.generated as string | null;
      let computed: { sqltext: string | null; persisted: boolean } | undefined;
      if (generated !== null && generated !== "" && generated !== "\u0000") {
        computed = { sqltext: def, persisted: generated === "s" };
        def = null;
      }
      let autoincrement = false;
      if (def !== null) {
        const m = /(nextval\(')([^']+)('.*$)/.exec(def);
        if (m) {
          if (type instanceof T.Integer) autoincrement = true;
          if (!m[2]!.includes(".") && schema !== null) def = `${m[1]}"${schema}".${m[2]}${m[3]}`;
        }
      }
      const identity = row.identity_options as Record<string, unknown> | null;
      const col: ReflectedColumn = {
        name: row.name as string,
        type,
        nullable: !row.not_null,
        default: def,
        autoincrement: autoincrement || identity !== null,
        comment: row.comment as string | null,
      };
      if (computed !== undefined) col.computed = computed;
      if (identity !== null) col.identity = identity;
      columns.get(table)!.push(col);
    }
    return columns;
  }

  get_columns(
    connection: Connection,
    table_name: string,
    schema: string | null = null,
    kw: ReflectionKw = {},
  ) {
    return cached("get_columns", [table_name, schema], kw, () =>
      this._value_or_raise(this.get_multi_columns(connection, schema, [table_name], kw), table_name, schema),
    );
  }

  /* ------------------------------------------------- primary key, unique, index -- */

  /** The tables' oids (SQLAlchemy's `_get_table_oids`, cached for the filter as its `flexi_cache`). */
  _get_table_oids(
    connection: Connection,
    schema: string | null,
    filter_names: string[],
    kw: ReflectionKw,
  ): [number, string][] {
    return cached(
      "_get_table_oids",
      [schema ?? "", filter_names.join("\u0000")],
      { info_cache: kw.info_cache },
      () =>
        rows(connection, scoped("table_oids", schema), schema, { filter_names }).map(
          (r) => [r.oid as number, r.relname as string] as [number, string],
        ),
    );
  }

  /** Primary key and unique constraints, per table (SQLAlchemy's `_reflect_constraint`). */
  _reflect_constraint(
    connection: Connection,
    contype: "p" | "u",
    schema: string | null,
    filter_names: string[],
    kw: ReflectionKw,
  ) {
    const oids = this._get_table_oids(connection, schema, filter_names, kw);
    const out: {
      table: string;
      cols: string[] | null;
      name: string | null;
      comment: string | null;
      options: Record<string, unknown> | null;
    }[] = [];
    if (oids.length === 0) return out;
    const byOid = new Map<number, Row[]>();
    for (const row of rows(connection, "constraints", null, { oids: oids.map((o) => o[0]), contype })) {
      const list = byOid.get(row.conrelid as number) ?? [];
      list.push(row);
      byOid.set(row.conrelid as number, list);
    }
    for (const [oid, table] of oids) {
      const forOid = byOid.get(oid);
      if (!forOid) {
        out.push({ table, cols: null, name: null, comment: null, options: null });
        continue;
      }
      for (const row of forOid) {
        const all = row.cols as string[];
        const nkey = row.indnkeyatts as number;
        const options: Record<string, unknown> = {
          postgresql_include: all.length > nkey ? all.slice(nkey) : [],
        };
        if (contype === "u") options.postgresql_nulls_not_distinct = row.indnullsnotdistinct;
        out.push({
          table,
          cols: all.length > nkey ? all.slice(0, nkey) : all,
          name: row.conname as string,
          comment: row.description as string | null,
          options,
        });
      }
    }
    return out;
  }

  get_multi_pk_constraint(
    connection: Connection,
    schema: string | null,
    filter_names: string[],
    kw: ReflectionKw = {},
  ): Map<string, ReflectedPrimaryKey> {
    const out = new Map<string, ReflectedPrimaryKey>();
    for (const c of this._reflect_constraint(connection, "p", schema, filter_names, kw))
      out.set(
        c.table,
        c.name === null
          ? { constrained_columns: [], name: null, comment: null }
          : { constrained_columns: c.cols!, name: c.name, comment: c.comment, dialect_options: c.options! },
      );
    return out;
  }

  get_pk_constraint(
    connection: Connection,
    table_name: string,
    schema: string | null = null,
    kw: ReflectionKw = {},
  ) {
    return cached("get_pk_constraint", [table_name, schema], kw, () =>
      this._value_or_raise(
        this.get_multi_pk_constraint(connection, schema, [table_name], kw),
        table_name,
        schema,
      ),
    );
  }

  get_multi_unique_constraints(
    connection: Connection,
    schema: string | null,
    filter_names: string[],
    kw: ReflectionKw = {},
  ): Map<string, ReflectedUniqueConstraint[]> {
    const out = new Map<string, ReflectedUniqueConstraint[]>();
    for (const c of this._reflect_constraint(connection, "u", schema, filter_names, kw)) {
      const list = out.get(c.table) ?? [];
      out.set(c.table, list);
      if (c.name === null) continue;
      list.push({ column_names: c.cols!, name: c.name, comment: c.comment, dialect_options: c.options! });
    }
    return out;
  }

  get_unique_constraints(
    connection: Connection,
    table_name: string,
    schema: string | null = null,
    kw: ReflectionKw = {},
  ) {
    return cached("get_unique_constraints", [table_name, schema], kw, () =>
      this._value_or_raise(
        this.get_multi_unique_constraints(connection, schema, [table_name], kw),
        table_name,
        schema,
      ),
    );
  }

  get_multi_indexes(
    connection: Connection,
    schema: string | null,
    filter_names: string[],
    kw: ReflectionKw = {},
  ): Map<string, ReflectedIndex[]> {
    const oids = this._get_table_oids(connection, schema, filter_names, kw);
    const out = new Map<string, ReflectedIndex[]>();
    if (oids.length === 0) return out;
    const byOid = new Map<number, Row[]>();
    for (const row of rows(connection, "indexes", null, { oids: oids.map((o) => o[0]) })) {
      const list = byOid.get(row.indrelid as number) ?? [];
      list.push(row);
      byOid.set(row.indrelid as number, list);
    }
    for (const [oid, table] of oids) {
      const list: ReflectedIndex[] = [];
      out.set(table, list);
      for (const row of byOid.get(oid) ?? []) {
        const nkey = row.indnkeyatts as number;
        const all = row.elements as string[];
        const allExpr = row.elements_is_expr as boolean[];
        const allOpclass = row.elements_opclass as string[];
        const allOpdefault = row.elements_opdefault as boolean[];
        const elements = all.slice(0, nkey);
        const isExpr = allExpr.slice(0, nkey);
        const inc_cols = all.slice(nkey);
        const index: ReflectedIndex = {
          name: row.relname as string,
          unique: row.indisunique as boolean,
          column_names: isExpr.some(Boolean) ? elements.map((e, i) => (isExpr[i] ? null : e)) : elements,
        };
        if (isExpr.some(Boolean)) index.expressions = elements;
        const options: Record<string, unknown> = {};
        if (!allOpdefault.slice(0, nkey).every(Boolean)) {
          const ops: Record<string, string> = {};
          elements.forEach((e, i) => {
            if (!allOpdefault[i]) ops[e] = allOpclass[i]!;
          });
          options.postgresql_ops = ops;
        }
        const sorting: Record<string, string[]> = {};
        const flags = String(row.indoption ?? "")
          .split(" ")
          .filter((f) => f !== "")
          .map(Number);
        flags.forEach((f, i) => {
          const s: string[] = [];
          if (f & 0x01) {
            s.push("desc");
            if (!(f & 0x02)) s.push("nulls_last");
          } else if (f & 0x02) s.push("nulls_first");
          if (s.length) sorting[elements[i]!] = s;
        });
        if (Object.keys(sorting).length) index.column_sorting = sorting;
        if (row.has_constraint) index.duplicates_constraint = index.name;
        const reloptions = row.reloptions as string[] | null;
        if (reloptions?.length)
          options.postgresql_with = Object.fromEntries(
            reloptions.map((o) => [o.slice(0, o.indexOf("=")), o.slice(o.indexOf("=") + 1)]),
          );
        if (row.amname !== "btree") options.postgresql_using = row.amname;
        if (row.filter_definition) options.postgresql_where = row.filter_definition;
        index.include_columns = inc_cols;
        options.postgresql_include = inc_cols;
        if (row.indnullsnotdistinct) options.postgresql_nulls_not_distinct = true;
        if (Object.keys(options).length) index.dialect_options = options;
        list.push(index);
      }
    }
    return out;
  }

  get_indexes(
    connection: Connection,
    table_name: string,
    schema: string | null = null,
    kw: ReflectionKw = {},
  ) {
    return cached("get_indexes", [table_name, schema], kw, () =>
      this._value_or_raise(this.get_multi_indexes(connection, schema, [table_name], kw), table_name, schema),
    );
  }

  /* ---------------------------------------------------------------- foreign keys -- */

  /** `pg_get_constraintdef()`'s FOREIGN KEY text in its parts (SQLAlchemy's `_fk_regex_pattern`). */
  static readonly FK_REGEX = (() => {
    const q = '(?:"(?:[^"]|"")+"|[\\w]+?)';
    const action = "(CASCADE|RESTRICT|NO ACTION|SET (?:NULL|DEFAULT)(?:\\s\\(.+\\))?)+";
    return new RegExp(
      `FOREIGN KEY \\((.*?)\\) REFERENCES (?:(${q})\\.)?(${q})\\(((?:${q}(?: *, *)?)+)\\)` +
        "[\\s]?(MATCH (FULL|PARTIAL|SIMPLE)+)?" +
        `[\\s]?(?:ON (UPDATE|DELETE) ${action})?` +
        `[\\s]?(?:ON (UPDATE|DELETE) ${action})?` +
        "[\\s]?(DEFERRABLE|NOT DEFERRABLE)?" +
        "[\\s]?(INITIALLY (DEFERRED|IMMEDIATE)+)?",
    );
  })();

  get_multi_foreign_keys(
    connection: Connection,
    schema: string | null,
    filter_names: string[],
    kw: ReflectionKw = {},
  ): Map<string, ReflectedForeignKey[]> {
    const out = new Map<string, ReflectedForeignKey[]>();
    const result = connection
      .execute(statement(scoped("foreign_keys", schema), schema), { filter_names })
      .fetchall();
    for (const row of result) {
      const [table, conname, condef, conschema, comment] = row as unknown as [
        string,
        string | null,
        string,
        string | null,
        string | null,
      ];
      const list = out.get(table) ?? [];
      out.set(table, list);
      if (conname === null) continue;
      const m = PGDialectReflection.FK_REGEX.exec(condef)!;
      const [, constrained, rschema, rtable, rcols, , match, k1, v1, k2, v2, deferrable, , initially] = m;
      const onupdate = k1 === "UPDATE" ? v1 : k2 === "UPDATE" ? v2 : undefined;
      const ondelete = k1 === "DELETE" ? v1 : k2 === "DELETE" ? v2 : undefined;
      let referred_schema: string | null = null;
      if (kw.postgresql_ignore_search_path === true)
        referred_schema = conschema !== this.default_schema_name ? conschema : schema;
      else if (rschema) referred_schema = unquote(rschema);
      else if (schema !== null && schema === conschema) referred_schema = schema;
      const options: Record<string, unknown> = {};
      for (const [k, v] of [
        ["onupdate", onupdate],
        ["ondelete", ondelete],
        ["initially", initially],
        ["deferrable", deferrable === undefined ? undefined : deferrable === "DEFERRABLE"],
        ["match", match],
      ] as const)
        if (v !== undefined && v !== "NO ACTION") options[k] = v;
      list.push({
        name: conname,
        constrained_columns: constrained!.split(/\s*,\s*/).map(unquote),
        referred_schema,
        referred_table: unquote(rtable!),
        referred_columns: rcols!.split(/\s*,\s/).map(unquote),
        options,
        comment,
      });
    }
    return out;
  }

  get_foreign_keys(
    connection: Connection,
    table_name: string,
    schema: string | null = null,
    kw: ReflectionKw = {},
  ) {
    return cached("get_foreign_keys", [table_name, schema], kw, () =>
      this._value_or_raise(
        this.get_multi_foreign_keys(connection, schema, [table_name], kw),
        table_name,
        schema,
      ),
    );
  }

  /* ------------------------------------------------------- comments and checks -- */

  get_multi_table_comment(
    connection: Connection,
    schema: string | null,
    filter_names: string[],
    kw: ReflectionKw = {},
  ): Map<string, ReflectedTableComment> {
    return cached("get_multi_table_comment", [schema], { ...kw, filter_names }, () => {
      const out = new Map<string, ReflectedTableComment>();
      for (const row of rows(connection, scoped("table_comment", schema), schema, { filter_names }))
        out.set(row.relname as string, { text: row.description as string | null });
      return out;
    });
  }

  get_table_comment(
    connection: Connection,
    table_name: string,
    schema: string | null = null,
    kw: ReflectionKw = {},
  ) {
    return cached("get_table_comment", [table_name, schema], kw, () =>
      this._value_or_raise(
        this.get_multi_table_comment(connection, schema, [table_name], kw),
        table_name,
        schema,
      ),
    );
  }

  get_multi_check_constraints(
    connection: Connection,
    schema: string | null,
    filter_names: string[],
    _kw: ReflectionKw = {},
  ): Map<string, ReflectedCheckConstraint[]> {
    const out = new Map<string, ReflectedCheckConstraint[]>();
    const result = connection
      .execute(statement(scoped("check_constraints", schema), schema), { filter_names })
      .fetchall();
    for (const row of result) {
      const [table, name, src, comment] = row as unknown as [
        string,
        string | null,
        string | null,
        string | null,
      ];
      const list = out.get(table) ?? [];
      out.set(table, list);
      if (name === null && src === null) continue;
      const m = /^CHECK *\(([\s\S]+)\)( NO INHERIT)?( NOT VALID)?$/.exec(src ?? "");
      if (!m) warn(`Could not parse CHECK constraint text: '${src}'`, SAWarning);
      const entry: ReflectedCheckConstraint = {
        name: name!,
        sqltext: m ? strip_outer_parens(m[1]!) : "",
        comment,
      };
      if (m && (m[2] || m[3])) {
        entry.dialect_options = {};
        if (m[3]) entry.dialect_options.not_valid = true;
        if (m[2]) entry.dialect_options.no_inherit = true;
      }
      list.push(entry);
    }
    return out;
  }

  get_check_constraints(
    connection: Connection,
    table_name: string,
    schema: string | null = null,
    kw: ReflectionKw = {},
  ) {
    return cached("get_check_constraints", [table_name, schema], kw, () =>
      this._value_or_raise(
        this.get_multi_check_constraints(connection, schema, [table_name], kw),
        table_name,
        schema,
      ),
    );
  }
}
