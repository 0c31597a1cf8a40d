/**
 * What the kernel attaches to the engines and sessions cells create, and what it does around each
 * cell: the registry (wrapped factories, statement and transaction counts), the inspector watching
 * every engine (connections, savepoints, pool slots, rows fetched), and the inspector's steps (a
 * snapshot before each of a cell's first statements). `runtime.ts` runs cells with it; `npm run bench`
 * runs its notebook configuration with it.
 */
import { CellSteps, Inspector } from "./inspector.ts";
import { Registry } from "./registry.ts";

type Named = (value: unknown) => string | undefined;

export class KernelInstruments {
  readonly registry = new Registry();
  readonly inspector = new Inspector();

  constructor() {
    this.registry.onEngine = (id, engine) => this.inspector.watchEngine(id, engine as never);
  }

  /** The inspector's snapshot of every live session, connection and engine pool (changes nothing). */
  snapshot(nameOf: Named) {
    const { engines, sessions } = this.registry.live();
    return this.inspector.snapshot(sessions, engines, nameOf);
  }

  /** A cell starts: fresh counts, and the inspector's steps before its statements. Returns its end. */
  beginCell(cellId: string, nameOf: Named) {
    this.registry.cellId = cellId;
    this.registry.resetCounters();
    this.inspector.takeCounts();
    const steps = new CellSteps(() => this.snapshot(nameOf));
    this.registry.beforeStatement = (statement) => steps.beforeStatement(statement);
    return () => {
      this.registry.beforeStatement = null;
      const { statements, transactions } = this.registry.resetCounters();
      return { statements, transactions, inspector: steps.end(() => this.inspector.takeCounts()) };
    };
  }
}
