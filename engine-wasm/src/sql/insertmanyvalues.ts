/**
 * insertmanyvalues (SQLAlchemy's SQLCompiler._deliver_insertmanyvalues_batches): an executemany
 * INSERT sent as multi-row `VALUES (…), (…)` statements of up to `batch_size` rows, each row's
 * binds renamed `<name>__<i>`; an ordered RETURNING without a sentinel goes one row per statement
 * ("batch not supported"). The batches are rendered from the compiled statement's template; the
 * compiled statement, which the engine's cache shares between executions, is only read.
 */
import type { BindProcessor, DBAPIParameters, InsertManyValuesBatch } from "../engine/interfaces.ts";
import { tuple } from "../util/pytypes.ts";
import { BIND_MARKER_SPLIT, bindMarker, COUNTER_MARK, renderBindMarkers } from "./bindmarkers.ts";
import type { CompilerDialect } from "./compiler.ts";

/** The pieces of a multi-row INSERT: `prefix` + one `row` per parameter set, joined by ", " + `suffix`. */
export interface InsertManyValues {
  readonly prefix: string;
  readonly row: string;
  readonly suffix: string;
}

/** What batching reads from the compiled INSERT. */
export interface InsertManyValuesSource {
  readonly dialect: CompilerDialect;
  readonly string: string;
  readonly returns_rows: boolean;
  readonly _insertmanyvalues?: InsertManyValues;
  readonly _sort_by_parameter_order: boolean;
  readonly _num_sentinel_cols: number;
  readonly _bind_processors: Readonly<Record<string, BindProcessor>>;
  /** Bind names in order of first appearance. */
  bindNames(): Iterable<string>;
  /** A bind's `::TYPE` for drivers that render bind casts. */
  bindCast(name: string): string | null;
}

export function _deliver_insertmanyvalues_batches(
  compiled: InsertManyValuesSource,
  parameters: readonly DBAPIParameters[],
  compiled_parameters: readonly Record<string, unknown>[],
  batch_size: number,
): InsertManyValuesBatch[] {
  const imv = compiled._insertmanyvalues!;
  const sorted = compiled._sort_by_parameter_order;
  const total = compiled_parameters.length;
  if (sorted && compiled.returns_rows && compiled._num_sentinel_cols === 0) {
    return parameters.map((p, i) => ({
      replaced_statement: compiled.string,
      replaced_parameters: p,
      batchnum: i + 1,
      total_batches: total,
      rows_sorted: true,
      is_downgraded: true,
      current_batch_size: 1,
    }));
  }
  const dialect = compiled.dialect;
  const names = [...compiled.bindNames()];
  const processors = compiled._bind_processors;
  const pieces = imv.row.split(BIND_MARKER_SPLIT);
  // the renamed binds of a batch's rows, and their casts, made once for the largest batch
  const rowTemplates: string[] = [];
  const casts = new Map<string, string | null>();
  const rowsPerBatch = Math.min(batch_size, total);
  for (let i = 0; i < rowsPerBatch; i++) {
    let rowTemplate = "";
    for (let k = 0; k < pieces.length; k++)
      rowTemplate += k % 2 ? bindMarker(`${pieces[k]}__${i}`) : pieces[k];
    rowTemplates.push(rowTemplate.replace(COUNTER_MARK, String(i)));
    for (const name of names) casts.set(`${name}__${i}`, compiled.bindCast(name));
  }
  const castOf = (name: string) => casts.get(name) ?? null;
  const batches: InsertManyValuesBatch[] = [];
  const nbatches = Math.ceil(total / batch_size);
  for (let b = 0; b < nbatches; b++) {
    const slice = compiled_parameters.slice(b * batch_size, (b + 1) * batch_size);
    const named: Record<string, unknown> = {};
    const parameterNames: string[] = [];
    slice.forEach((cp, i) => {
      for (const name of names) {
        const proc = processors[name] as BindProcessor | undefined;
        const v = cp[name];
        const batchName = `${name}__${i}`;
        named[batchName] = proc && v !== null && v !== undefined ? proc(v) : v;
        parameterNames.push(batchName);
      }
    });
    const template = imv.prefix + rowTemplates.slice(0, slice.length).join(", ") + imv.suffix;
    const rendered = renderBindMarkers(dialect.paramstyle, dialect.positional, template, castOf);
    let params: DBAPIParameters;
    if (rendered.positiontup) {
      const positional: unknown[] = [];
      for (const n of rendered.positiontup) positional.push(named[n] ?? null);
      params = tuple(positional);
    } else {
      params = named;
    }
    batches.push({
      replaced_statement: rendered.string,
      replaced_parameters: params,
      batchnum: b + 1,
      total_batches: nbatches,
      rows_sorted: sorted,
      is_downgraded: false,
      current_batch_size: slice.length,
      ...(rendered.positiontup ? {} : { parameter_names: parameterNames }),
    });
  }
  return batches;
}
