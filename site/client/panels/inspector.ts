/**
 * The live inspector panel: after a cell ran, a button opens a region ("Inspector of cell …") that
 * shows every Session, checked-out Connection and Engine pool the cells hold — after the cell, and,
 * with a slider or the step buttons, before each statement of its run. The kernel sends the
 * snapshots with the run (`inspector` event, `site/worker/inspector.ts`); opening the panel asks the
 * kernel nothing, so it cannot change what it shows. The view itself (`inspector-view.ts`) loads
 * the first time a learner opens one.
 */
import type { ClientEvent, InspectorEvent } from "../../worker/protocol.ts";
import { el } from "./log.ts";
import { definePanel, type Panel, type PanelHost } from "./panel.ts";

export class InspectorPanel implements Panel {
  readonly #host: PanelHost;
  #event: InspectorEvent | null = null;
  #button: HTMLButtonElement | null = null;
  #region: HTMLElement | null = null;
  #render: ((event: InspectorEvent) => void) | null = null;

  constructor(host: PanelHost) {
    this.#host = host;
  }

  get event(): InspectorEvent | null {
    return this.#event;
  }

  handle(event: ClientEvent): void {
    if (event.type === "cell-start" || event.type === "kernel-restarted") {
      this.#event = null;
      if (this.#button) this.#button.hidden = true;
      if (this.#region) this.#region.replaceChildren();
      return;
    }
    if (event.type !== "inspector") return;
    this.#event = event;
    this.#ensureButton().hidden = false;
    if (this.#region && !this.#region.hidden) this.#render?.(event);
  }

  #ensureButton(): HTMLButtonElement {
    if (this.#button) return this.#button;
    const s = this.#host.strings;
    const slot = this.#host.slot("inspector");
    const button = el("button", "nb-button nb-inspect", s.inspector);
    button.type = "button";
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-label", s.openInspector(this.#host.id));
    const region = el("section", "nb-inspector");
    region.id = `nb-inspector-${this.#host.id}`;
    region.setAttribute("role", "region");
    region.setAttribute("aria-label", s.inspectorOf(this.#host.id));
    region.hidden = true;
    button.setAttribute("aria-controls", region.id);
    button.addEventListener("click", () => void this.toggle());
    slot.append(button, region);
    this.#button = button;
    this.#region = region;
    return button;
  }

  async toggle(open = this.#region?.hidden ?? true): Promise<void> {
    if (!this.#region || !this.#button) return;
    this.#button.setAttribute("aria-expanded", String(open));
    this.#region.hidden = !open;
    if (!open || !this.#event) return;
    if (!this.#render) {
      const { InspectorView } = await import("./inspector-view.ts");
      const view = new InspectorView(this.#region, this.#host.strings);
      this.#render = (event) => view.show(event);
    }
    this.#render(this.#event);
  }
}

export const inspectorPanel = definePanel({
  name: "inspector",
  events: ["cell-start", "inspector", "kernel-restarted"],
  create: (host) => new InspectorPanel(host),
});
