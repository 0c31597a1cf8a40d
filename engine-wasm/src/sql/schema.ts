/**
 * `sqlalchemy.schema`: MetaData, Table, Column, ForeignKey, constraints and Index (imperative, Core style).
 * `metadata.create_all()` / `drop_all()` live in ddl.ts.
 */
import { ArgumentError, InvalidRequestError, NoReferenceError } from "../exc.ts";
import { inspect } from "../inspection.ts";
import { IndexError, KeyError } from "../util/builtins.ts";
import type { PyTuple } from "../util/pytypes.ts";
import { defineModule, repr } from "../util/repr.ts";
import { topologicalSort } from "../util/topological.ts";
import { type CacheKeyBuilder, ClauseElement, ColumnElement, objectId } from "./elements.ts";
import { FromClause } from "./selectable.ts";
import { Integer, NULLTYPE, TypeEngine, to_instance } from "./sqltypes.ts";

export interface ColumnOptions {
  primary_key?: boolean;
  nullable?: boolean;
  unique?: boolean;
  index?: boolean;
  default?: unknown;
  server_default?: unknown;
  onupdate?: unknown;
  autoincrement?: boolean | "auto";
  key?: string;
  comment?: string;
  doc?: string;
  info?: Record<string, unknown>;
}

export class Column extends ColumnElement {
  readonly __visit_name__ = "column";
  name: string;
  private _key: string | null;
  table: Table | null = null;
  primary_key: boolean;
  nullable: boolean;
  unique: boolean | null;
  index: boolean | null;
  default: unknown;
  server_default: unknown;
  onupdate: unknown;
  autoincrement: boolean | "auto";
  comment: string | null;
  readonly foreign_keys: Set<ForeignKey> = new Set();
  /** Whether `nullable` was given explicitly (it decides the repr). */
  private readonly _user_nullable: boolean;
  readonly info: Record<string, unknown>;

  constructor(name: string, ...args: unknown[]) {
    super();
    this.name = name;
    let options: ColumnOptions = {};
    let type_: unknown;
    for (const a of args) {
      if (a instanceof ForeignKey) this.foreign_keys.add(a);
      else if (a instanceof Sequence_) continue;
      else if (a instanceof TypeEngine || typeof a === "function") type_ = a;
      else if (a !== null && typeof a === "object") options = a as ColumnOptions;
    }
    this.type = type_ === undefined ? NULLTYPE : to_instance(type_);
    this._key = options.key ?? null;
    this.primary_key = options.primary_key ?? false;
    this._user_nullable = options.nullable !== undefined;
    this.nullable = options.nullable ?? !this.primary_key;
    this.unique = options.unique ?? null;
    this.index = options.index ?? null;
    this.default = options.default;
    this.server_default = options.server_default;
    this.onupdate = options.onupdate;
    this.autoincrement = options.autoincrement ?? "auto";
    this.comment = options.comment ?? null;
    this.info = options.info ?? {};
    for (const fk of this.foreign_keys) fk.parent = this;
  }

  override get key(): string {
    return this._key ?? this.name;
  }
  override get _bind_key(): string {
    return this.key;
  }

  /** The type, taking it from the referenced column when the Column has a ForeignKey and no type. */
  override get type(): TypeEngine {
    if (this._type === NULLTYPE && this.foreign_keys.size) {
      for (const fk of this.foreign_keys) {
        const target = fk._resolve_column(false);
        if (target) return target.type;
      }
    }
    return this._type;
  }
  override set type(t: TypeEngine) {
    this._type = t;
  }

  _ck(k: CacheKeyBuilder): void {
    k.push("col", objectId(this));
  }

  /** The integer primary key that the database generates (SERIAL / INTEGER PRIMARY KEY). */
  get _is_autoincrement(): boolean {
    if (!this.primary_key || this.autoincrement === false) return false;
    if (this.table && this.table.primary_key.columns.length !== 1 && this.autoincrement !== true)
      return false;
    const integer = this.type instanceof Integer; // INTEGER, BIGINT … too (SQLAlchemy's _type_affinity)
    // autoincrement=True (a reflected SERIAL or identity column) ignores the defaults and foreign keys
    if (this.autoincrement === true) return integer;
    return (
      integer &&
      this.foreign_keys.size === 0 &&
      this.default === undefined &&
      this.server_default === undefined
    );
  }

  /** A copy for another table (declarative mapping uses it for mixins). */
  _copy(): Column {
    const c = new Column(this.name, this._type, ...[...this.foreign_keys].map((fk) => fk._copy()), {
      key: this._key ?? undefined,
      primary_key: this.primary_key,
      nullable: this._user_nullable ? this.nullable : undefined,
      unique: this.unique ?? undefined,
      index: this.index ?? undefined,
      default: this.default,
      server_default: this.server_default,
      onupdate: this.onupdate,
      autoincrement: this.autoincrement,
      comment: this.comment ?? undefined,
    });
    return c;
  }

  override toString(): string {
    return this.table ? `${this.table.name}.${this.name}` : this.name;
  }
  override __str__(): string {
    return this.toString();
  }

  __repr__(): string {
    const parts = [repr(this.name), this.type.__repr__()];
    for (const fk of this.foreign_keys) parts.push(fk.__repr__());
    if (this.table) parts.push(`table=<${this.table.name}>`);
    if (this.primary_key) parts.push("primary_key=True");
    if (!this.nullable && (this.primary_key || this._user_nullable)) parts.push("nullable=False");
    if (this.default !== undefined) parts.push(`default=ScalarElementColumnDefault(${repr(this.default)})`);
    if (this.comment) parts.push(`comment=${repr(this.comment)}`);
    return `Column(${parts.join(", ")})`;
  }
}

/** Placeholder for `Sequence(...)` arguments (PostgreSQL sequences are implied by SERIAL). */
export class Sequence_ {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

export class ForeignKey {
  readonly _colspec: string | Column;
  parent: Column | null = null;
  readonly ondelete: string | null;
  readonly onupdate: string | null;
  readonly name: string | null;
  constructor(
    column: string | Column,
    options: { ondelete?: string; onupdate?: string; name?: string } = {},
  ) {
    this._colspec = column;
    this.ondelete = options.ondelete ?? null;
    this.onupdate = options.onupdate ?? null;
    this.name = options.name ?? null;
  }
  get target_fullname(): string {
    if (typeof this._colspec === "string") return this._colspec;
    return `${this._colspec.table?.name}.${this._colspec.name}`;
  }
  /** The referenced column, looked up in the parent table's MetaData. */
  _resolve_column(raise = true): Column | null {
    if (this._colspec instanceof Column) return this._colspec;
    const spec = this._colspec;
    const dot = spec.lastIndexOf(".");
    const tname = spec.slice(0, dot);
    const cname = spec.slice(dot + 1);
    const md = this.parent?.table?.metadata;
    const table = md?.tables.get(tname);
    if (!table) {
      if (!raise) return null;
      throw new NoReferenceError(
        `Foreign key associated with column '${this.parent?.table?.name}.${this.parent?.name}' could not find table '${tname}' with which to generate a foreign key to target column '${cname}'`,
      );
    }
    const col = table.columns.find((c) => c.name === cname);
    if (!col) {
      if (!raise) return null;
      throw new NoReferenceError(
        `Could not initialize target column for ForeignKey '${spec}' on table '${this.parent?.table?.name}': table '${tname}' has no column named '${cname}'`,
      );
    }
    return col;
  }
  get column(): Column {
    return this._resolve_column(true)!;
  }
  references(table: Table): boolean {
    return this._resolve_column(false)?.table === table;
  }
  _copy(): ForeignKey {
    return new ForeignKey(this._colspec, {
      ondelete: this.ondelete ?? undefined,
      onupdate: this.onupdate ?? undefined,
      name: this.name ?? undefined,
    });
  }
  __repr__(): string {
    return `ForeignKey(${repr(this.target_fullname)})`;
  }
}

let creationCounter = 0;

export abstract class Constraint {
  name: string | null;
  table: Table | null = null;
  /** Constraints render in the order they were created (SQLAlchemy's `_creation_order`). */
  readonly _creation_order = ++creationCounter;
  constructor(name: string | null) {
    this.name = name;
  }
}

export class ColumnCollectionConstraint extends Constraint {
  protected _colnames: (string | Column)[];
  constructor(columns: (string | Column)[], name: string | null = null) {
    super(name);
    this._colnames = columns;
  }
  get columns(): Column[] {
    return this._colnames.map((c) => (typeof c === "string" ? this.table!.c.get(c)! : c));
  }
  protected _reprName(): string {
    return this.constructor.name;
  }
  __repr__(): string {
    return `${this._reprName()}(${this.columns.map((c) => c.__repr__()).join(", ")})`;
  }
}

export class PrimaryKeyConstraint extends ColumnCollectionConstraint {
  constructor(...columns: (string | Column | { name?: string })[]) {
    const opts = columns.find((c) => typeof c === "object" && !(c instanceof Column)) as
      | { name?: string }
      | undefined;
    super(
      columns.filter((c): c is string | Column => typeof c === "string" || c instanceof Column),
      opts?.name ?? null,
    );
  }
  _add(col: Column): void {
    if (!this._colnames.includes(col)) this._colnames.push(col);
  }
}

export class UniqueConstraint extends ColumnCollectionConstraint {
  constructor(...columns: (string | Column | { name?: string })[]) {
    const opts = columns.find((c) => typeof c === "object" && !(c instanceof Column)) as
      | { name?: string }
      | undefined;
    super(
      columns.filter((c): c is string | Column => typeof c === "string" || c instanceof Column),
      opts?.name ?? null,
    );
  }
}

export class CheckConstraint extends Constraint {
  readonly sqltext: string;
  constructor(sqltext: string, options: { name?: string } = {}) {
    super(options.name ?? null);
    this.sqltext = sqltext;
  }
}

export class ForeignKeyConstraint extends Constraint {
  readonly columns: string[];
  readonly refcolumns: string[];
  readonly ondelete: string | null;
  readonly onupdate: string | null;
  elements: ForeignKey[] = [];
  constructor(
    columns: string[],
    refcolumns: string[],
    options: { name?: string; ondelete?: string; onupdate?: string } = {},
  ) {
    super(options.name ?? null);
    this.columns = columns;
    this.refcolumns = refcolumns;
    this.ondelete = options.ondelete ?? null;
    this.onupdate = options.onupdate ?? null;
  }
}

export class Index {
  readonly name: string;
  readonly expressions: (string | Column)[];
  readonly unique: boolean;
  table: Table | null = null;
  constructor(name: string, ...args: (string | Column | { unique?: boolean })[]) {
    this.name = name;
    const opts = args.find((a) => typeof a === "object" && !(a instanceof Column)) as
      | { unique?: boolean }
      | undefined;
    this.expressions = args.filter((a): a is string | Column => typeof a === "string" || a instanceof Column);
    this.unique = opts?.unique ?? false;
  }
  get columns(): Column[] {
    return this.expressions.map((e) => (typeof e === "string" ? this.table!.c.get(e)! : e));
  }
}

/** `table.c`: columns by key (`table.c.name`, `table.c["name"]`, `table.c.get("name")`). */
export class ColumnCollection<C extends ColumnElement = Column> {
  readonly [key: string]: any;
  /** select() takes a collection as its columns (SQLAlchemy's `_select_iterable`). */
  get _select_iterable(): C[] {
    return [...this._cols];
  }
  private readonly _cols: C[] = [];
  private readonly _index = new Map<string, C>();

  _add(key: string, col: C): void {
    this._cols.push(col);
    this._index.set(key, col);
    if (!(key in ColumnCollection.prototype) && !Object.hasOwn(this, key)) {
      Object.defineProperty(this, key, { value: col, enumerable: false, configurable: true });
    }
  }
  get(key: string): C | undefined {
    return this._index.get(key);
  }
  /**
   * Python's `table.c["name"]`, `table.c[0]` and `table.c["a", "b"]` (a tuple: a read-only collection
   * of those columns, which select() takes as its columns).
   */
  getitem(key: string | number): C;
  getitem(key: PyTuple): ColumnCollection<C>;
  getitem(key: string | number | PyTuple): C | ColumnCollection<C> {
    if (typeof key === "number") {
      const col = this._cols[key < 0 ? this._cols.length + key : key];
      if (col === undefined) throw new IndexError(String(key));
      return col;
    }
    if (typeof key === "string") {
      const col = this._index.get(key);
      if (col === undefined) throw new KeyError(key);
      return col;
    }
    const sub = new ColumnCollection<C>();
    for (const k of key as readonly (string | number)[]) {
      const col = this.getitem(k as string);
      const name = typeof k === "string" ? k : [...this._index].find(([, c]) => c === col)![0];
      sub._add(name, col);
    }
    return sub;
  }
  has(key: string): boolean {
    return this._index.has(key);
  }
  keys(): string[] {
    return [...this._index.keys()];
  }
  values(): C[] {
    return [...this._cols];
  }
  items(): [string, C][] {
    return [...this._index.entries()];
  }
  get length(): number {
    return this._cols.length;
  }
  [Symbol.iterator](): IterableIterator<C> {
    return this._cols[Symbol.iterator]();
  }
  __repr__(): string {
    return `ReadOnlyColumnCollection(${this._cols.map((c) => String(c)).join(", ")})`;
  }
}

export class Table extends FromClause {
  readonly __visit_name__ = "table";
  readonly name: string;
  readonly metadata: MetaData;
  readonly schema: string | null;
  readonly c: ColumnCollection<Column> = new ColumnCollection();
  readonly primary_key: PrimaryKeyConstraint = new PrimaryKeyConstraint();
  readonly constraints: Set<Constraint> = new Set();
  readonly indexes: Set<Index> = new Set();
  readonly comment: string | null;
  readonly info: Record<string, unknown> = {};

  constructor(name: string, metadata: MetaData, ...args: unknown[]) {
    super();
    if (!(metadata instanceof MetaData)) {
      throw new ArgumentError(`Table() second argument must be a MetaData object, got ${repr(metadata)}`);
    }
    this.name = name;
    this.metadata = metadata;
    let options: { schema?: string; comment?: string; extend_existing?: boolean; autoload_with?: unknown } =
      {};
    for (const a of args) {
      if (a instanceof Column) this.append_column(a);
      else if (a instanceof Constraint) this.append_constraint(a);
      else if (a instanceof Index) this.append_index(a);
      else if (a && typeof a === "object") options = a as typeof options;
    }
    this.schema = options.schema ?? null;
    this.comment = options.comment ?? null;
    this.primary_key.table = this;
    this.constraints.add(this.primary_key);
    if (metadata.tables.has(this.fullname) && !options.extend_existing) {
      throw new InvalidRequestError(
        `Table '${this.fullname}' is already defined for this MetaData instance.  Specify 'extend_existing=True' to redefine options and columns on an existing Table object.`,
      );
    }
    metadata._add_table(this);
    if (options.autoload_with !== undefined) {
      // SQLAlchemy's Table._autoload: the Inspector of the engine or connection fills the table
      try {
        (inspect(options.autoload_with) as { reflect_table(t: Table): void }).reflect_table(this);
      } catch (err) {
        metadata.remove(this); // a table that could not be reflected is not left in the MetaData
        throw err;
      }
    }
  }

  get fullname(): string {
    return this.schema ? `${this.schema}.${this.name}` : this.name;
  }

  get columns(): Column[] {
    return this.c.values();
  }

  get foreign_keys(): Set<ForeignKey> {
    const out = new Set<ForeignKey>();
    for (const c of this.columns) for (const fk of c.foreign_keys) out.add(fk);
    for (const con of this.constraints)
      if (con instanceof ForeignKeyConstraint) for (const fk of con.elements) out.add(fk);
    return out;
  }

  /**
   * Adds a column; as in SQLAlchemy, `unique=True` (without `index=True`) and each ForeignKey become
   * constraints now, so they come after constraints given to Table() in the CREATE TABLE.
   */
  append_column(col: Column): void {
    col.table = this;
    this.c._add(col.key, col);
    if (col.primary_key) this.primary_key._add(col);
    if (col.index) {
      this.append_index(new Index(`ix_${this.name}_${col.name}`, col, { unique: !!col.unique }));
    } else if (col.unique) {
      this.append_constraint(new UniqueConstraint(col));
    }
    for (const fk of col.foreign_keys) {
      const fkc = new ForeignKeyConstraint([col.key], [fk.target_fullname], {
        name: fk.name ?? undefined,
        ondelete: fk.ondelete ?? undefined,
        onupdate: fk.onupdate ?? undefined,
      });
      fkc.table = this;
      fkc.elements = [fk];
      this.constraints.add(fkc);
    }
  }

  append_constraint(con: Constraint): void {
    con.table = this;
    if (con instanceof PrimaryKeyConstraint) {
      for (const c of con.columns) {
        c.primary_key = true;
        c.nullable = false;
        this.primary_key._add(c);
      }
      return;
    }
    if (con instanceof ForeignKeyConstraint) {
      con.elements = con.columns.map((name, i) => {
        const fk = new ForeignKey(con.refcolumns[i]!, {
          name: con.name ?? undefined,
          ondelete: con.ondelete ?? undefined,
          onupdate: con.onupdate ?? undefined,
        });
        fk.parent = this.c.get(name) ?? null;
        fk.parent?.foreign_keys.add(fk); // as ForeignKeyConstraint._set_parent gives each column its ForeignKey
        return fk;
      });
    }
    this.constraints.add(con);
  }

  append_index(ix: Index): void {
    ix.table = this;
    this.indexes.add(ix);
  }

  override _ck(k: CacheKeyBuilder): void {
    k.push("table", objectId(this));
  }

  override get _columns(): ColumnElement[] {
    return this.columns;
  }

  override toString(): string {
    return this.fullname;
  }
  override __str__(): string {
    return this.fullname;
  }

  __repr__(): string {
    return `Table(${repr(this.name)}, MetaData(), ${this.columns.map((c) => c.__repr__()).join(", ")}, schema=${repr(this.schema)})`;
  }

  /** `table.insert()`, `table.select()` …: shortcuts as in SQLAlchemy. */
  insert() {
    return tableHooks.insert!(this);
  }
  update() {
    return tableHooks.update!(this);
  }
  delete() {
    return tableHooks.delete!(this);
  }
  select() {
    return tableHooks.select!(this);
  }
  create(bind: unknown, options: { checkfirst?: boolean } = {}) {
    return tableHooks.create!(this, bind, options);
  }
  drop(bind: unknown, options: { checkfirst?: boolean } = {}) {
    return tableHooks.drop!(this, bind, options);
  }
}

/** Filled by dml.ts / selectable.ts / ddl.ts (which import this module). */
export const tableHooks: {
  insert?: (t: Table) => unknown;
  update?: (t: Table) => unknown;
  delete?: (t: Table) => unknown;
  select?: (t: Table) => unknown;
  create?: (t: Table, bind: unknown, o: { checkfirst?: boolean }) => void;
  drop?: (t: Table, bind: unknown, o: { checkfirst?: boolean }) => void;
} = {};

export class MetaData {
  readonly tables: Map<string, Table> = new Map();
  readonly schema: string | null;
  readonly info: Record<string, unknown> = {};
  constructor(options: { schema?: string } = {}) {
    this.schema = options.schema ?? null;
  }
  _add_table(t: Table): void {
    this.tables.set(t.fullname, t);
  }
  remove(t: Table): void {
    this.tables.delete(t.fullname);
  }
  clear(): void {
    this.tables.clear();
  }
  /** Tables in dependency order (referenced tables first), ties by name, as SQLAlchemy sorts them. */
  get sorted_tables(): Table[] {
    return sort_tables(
      [...this.tables.values()].sort((a, b) =>
        a.fullname < b.fullname ? -1 : a.fullname > b.fullname ? 1 : 0,
      ),
    );
  }
  create_all(bind: unknown, options: { checkfirst?: boolean; tables?: Table[] } = {}): void {
    metadataHooks.create_all!(this, bind, options);
  }
  drop_all(bind: unknown, options: { checkfirst?: boolean; tables?: Table[] } = {}): void {
    metadataHooks.drop_all!(this, bind, options);
  }
  __repr__(): string {
    return "MetaData()";
  }
}

/** SQLAlchemy's `sort_tables()`: dependency order, otherwise the order given. */
export function sort_tables(tables: readonly Table[]): Table[] {
  const edges: [Table, Table][] = [];
  for (const t of tables) {
    for (const fk of t.foreign_keys) {
      const target = fk._resolve_column(false)?.table;
      if (target && target !== t && tables.includes(target)) edges.push([target, t]);
    }
  }
  return topologicalSort(tables, edges);
}

export const metadataHooks: {
  create_all?: (md: MetaData, bind: unknown, o: { checkfirst?: boolean; tables?: Table[] }) => void;
  drop_all?: (md: MetaData, bind: unknown, o: { checkfirst?: boolean; tables?: Table[] }) => void;
} = {};

export { ClauseElement };

defineModule(
  "sqlalchemy.sql.schema",
  Column,
  ForeignKey,
  Table,
  MetaData,
  PrimaryKeyConstraint,
  UniqueConstraint,
  CheckConstraint,
  ForeignKeyConstraint,
  Index,
);
defineModule("sqlalchemy.sql.base", ColumnCollection);
