/**
 * `sqlalchemy.dialects.postgresql.types` (and the PostgreSQL names of sqltypes): the types
 * reflection gives for PostgreSQL's own type names, named as SQLAlchemy names them so a reflected
 * column's repr is SQLAlchemy's. Each compiles as the generic type it extends.
 */
import { Double, Interval, JSON as JSONType, LargeBinary, Uuid } from "../../sql/sqltypes.ts";
import { defineModule } from "../../util/repr.ts";

/** `double precision` (SQLAlchemy's DOUBLE_PRECISION, reflected with precision 53). */
export class DOUBLE_PRECISION extends Double {}

export class BYTEA extends LargeBinary {}

export class INTERVAL extends Interval {
  readonly precision: number | null;
  readonly fields: string | null;
  constructor(options: { precision?: number | null; fields?: string | null } = {}) {
    super();
    this.precision = options.precision ?? null;
    this.fields = options.fields ?? null;
  }
  protected override _repr_args(): string[] {
    const args: string[] = [];
    if (this.precision !== null) args.push(`precision=${this.precision}`);
    if (this.fields !== null) args.push(`fields='${this.fields}'`);
    return args;
  }
}

/** sqltypes.UUID, the type PostgreSQL's `uuid` reflects as. */
export class UUID extends Uuid {}

export class JSONB extends JSONType {}

defineModule("sqlalchemy.dialects.postgresql.types", DOUBLE_PRECISION, BYTEA, INTERVAL, UUID, JSONB);
