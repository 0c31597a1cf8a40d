/**
 * The panels under a cell. A panel says which kernel events it shows and mounts itself into the
 * cell; `CellView` hands each event to the panels that asked for its type. The registry is
 * `./index.ts`; CONTRIBUTING.md ("Site") shows how to add one.
 */
import type { ClientEvent } from "../../worker/protocol.ts";
import type { Strings } from "../strings.ts";

export type EventType = ClientEvent["type"];

/** What a panel may use of its cell. */
export interface PanelHost {
  readonly id: string;
  /** The `<notebook-cell>` element. */
  readonly el: HTMLElement;
  readonly strings: Strings;
  /** A container of the panel's own, placed under the cell's output (made on first call). */
  slot(name: string): HTMLElement;
}

export interface Panel {
  /** Called with each event of a type in the definition's `events`, in order. */
  handle(event: ClientEvent): void;
}

export interface PanelDefinition<P extends Panel = Panel> {
  readonly name: string;
  readonly events: readonly EventType[];
  create(host: PanelHost): P;
}

export function definePanel<P extends Panel>(definition: PanelDefinition<P>): PanelDefinition<P> {
  return definition;
}
