/**
 * What the inspector region shows for one step of a cell's run: the step controls (slider, previous,
 * next), then every Session (transaction, identity map, new / dirty / deleted, each object's state,
 * expired attributes, modified attributes with the committed value beside the current one), every
 * checked-out Connection (transaction, savepoints, whether it wrote) and every Engine's pool
 * (`pool.status()` as SQLAlchemy prints it, and which connection holds each checked-out slot).
 *
 * Text only (`textContent`): the snapshot's strings are Python reprs of the learner's values.
 */
import type {
  EngineSnapshot,
  InspectorEvent,
  InspectorSnapshot,
  ObjectSnapshot,
  SessionSnapshot,
} from "../../worker/protocol.ts";
import type { Strings } from "../strings.ts";
import { el } from "./log.ts";

function tableOf(caption: string, headers: readonly string[], rows: readonly (readonly (string | Node)[])[]) {
  const t = el("table", "nb-insp-table");
  t.append(el("caption", undefined, caption));
  const head = el("thead");
  const hr = el("tr");
  for (const h of headers) {
    const th = el("th", undefined, h);
    th.scope = "col";
    hr.append(th);
  }
  head.append(hr);
  const body = el("tbody");
  for (const row of rows) {
    const tr = el("tr");
    row.forEach((cell, i) => {
      const td = el("td");
      // a narrow inspector shows each row as a card, each value under its column's name
      td.dataset.label = headers[i] ?? "";
      td.append(cell);
      tr.append(td);
    });
    body.append(tr);
  }
  t.append(head, body);
  return t;
}

function attributes(obj: ObjectSnapshot): Node {
  const list = el("ul", "nb-insp-attrs");
  for (const a of obj.attributes) {
    const li = el("li");
    li.append(el("span", "nb-insp-attr", a.name));
    if (a.expired) {
      li.append(" ", el("span", "nb-insp-flag", "expired"));
      li.dataset.expired = "";
    } else if (!a.loaded) li.append(" ", el("span", "nb-insp-flag", "not loaded"));
    else li.append(" = ", el("code", undefined, a.value ?? ""));
    if (a.modified && (obj.state === "persistent" || obj.state === "detached" || obj.state === "deleted")) {
      li.dataset.modified = "";
      li.append(" ", el("span", "nb-insp-committed", `(committed: ${a.committed ?? ""})`));
    }
    list.append(li);
  }
  return list;
}

function collections(obj: ObjectSnapshot): string {
  const where = [
    obj.inIdentityMap ? "identity map" : "",
    obj.new ? "new" : "",
    obj.dirty ? "dirty" : "",
    obj.deleted ? "deleted" : "",
  ].filter(Boolean);
  return where.join(", ") || "—";
}

function sessionView(session: SessionSnapshot, s: Strings): HTMLElement {
  const box = el("div", "nb-insp-session");
  const title = el("p", "nb-insp-title");
  const name = session.name ?? `#${session.id}`;
  title.append(
    el("strong", undefined, `${session.async ? "AsyncSession" : "Session"} ${name}`),
    ` (cell ${session.cellId})`,
    ` · ${session.inTransaction ? s.inTransaction : s.noTransaction}`,
    session.inNestedTransaction ? " · savepoint" : "",
  );
  box.append(title);
  if (!session.objects.length) {
    box.append(el("p", "nb-insp-empty", "identity map: empty · new: empty · dirty: empty · deleted: empty"));
    return box;
  }
  box.append(
    tableOf(
      `Objects of Session ${name}`,
      ["Object", "State", "Identity key", "In", "Attributes"],
      session.objects.map((o) => {
        const state = el("span", "nb-insp-state", o.state);
        state.dataset.state = o.state;
        return [o.label, state, o.identityKey ?? "—", collections(o), attributes(o)];
      }),
    ),
  );
  if (session.moreObjects)
    box.append(
      el(
        "p",
        "nb-insp-more",
        `and ${session.moreObjects} more (the inspector lists a session's first ${session.objects.length} objects)`,
      ),
    );
  return box;
}

function engineView(engine: EngineSnapshot): HTMLElement {
  const box = el("div", "nb-insp-engine");
  const title = el("p", "nb-insp-title");
  title.append(
    el("strong", undefined, engine.name ?? `Engine #${engine.id}`),
    ` · ${engine.url} · ${engine.poolClass}`,
  );
  const status = el("pre", "nb-insp-status", engine.status);
  status.setAttribute("aria-label", `pool.status() of ${engine.name ?? "the engine"}`);
  box.append(title, status);
  if (engine.slots.length) {
    const slots = el("ul", "nb-insp-slots");
    for (const slot of engine.slots) {
      const li = el(
        "li",
        undefined,
        `slot ${slot.slot}: ${slot.checkedOut ? `checked out${slot.connection ? ` by ${slot.connection}` : ""}` : "checked in"}`,
      );
      li.dataset.checkedOut = String(slot.checkedOut);
      slots.append(li);
    }
    box.append(slots);
  }
  return box;
}

export class InspectorView {
  readonly #root: HTMLElement;
  readonly #s: Strings;
  readonly #range: HTMLInputElement;
  readonly #prev: HTMLButtonElement;
  readonly #next: HTMLButtonElement;
  readonly #where: HTMLElement;
  readonly #body: HTMLElement;
  #event: InspectorEvent | null = null;

  constructor(root: HTMLElement, s: Strings) {
    this.#root = root;
    this.#s = s;
    const controls = el("div", "nb-insp-steps");
    this.#prev = el("button", "nb-button", "◀");
    this.#prev.type = "button";
    this.#prev.setAttribute("aria-label", s.previousStep);
    this.#next = el("button", "nb-button", "▶");
    this.#next.type = "button";
    this.#next.setAttribute("aria-label", s.nextStep);
    this.#range = el("input", "nb-insp-range");
    this.#range.type = "range";
    this.#range.min = "0";
    this.#range.setAttribute("aria-label", s.step);
    this.#where = el("p", "nb-insp-where");
    this.#where.setAttribute("aria-live", "polite");
    controls.append(this.#prev, this.#range, this.#next, this.#where);
    this.#body = el("div", "nb-insp-body");
    this.#range.addEventListener("input", () => this.#showStep(Number(this.#range.value)));
    this.#prev.addEventListener("click", () => this.#showStep(Number(this.#range.value) - 1));
    this.#next.addEventListener("click", () => this.#showStep(Number(this.#range.value) + 1));
    root.replaceChildren(controls, this.#body);
  }

  show(event: InspectorEvent): void {
    this.#event = event;
    if (!this.#root.contains(this.#body)) this.#root.replaceChildren(this.#range.parentElement!, this.#body);
    this.#range.max = String(event.steps.length - 1);
    this.#showStep(event.steps.length - 1);
  }

  #showStep(index: number): void {
    const event = this.#event;
    if (!event) return;
    const last = event.steps.length - 1;
    const i = Math.max(0, Math.min(last, index));
    this.#range.value = String(i);
    this.#range.setAttribute("aria-valuetext", this.#label(i));
    this.#prev.disabled = i === 0;
    this.#next.disabled = i === last;
    const step = event.steps[i]!;
    this.#where.replaceChildren(this.#label(i));
    if (step.before) this.#where.append(" · ", el("code", "nb-insp-sql", step.before.split("\n")[0]!));
    this.#body.replaceChildren(...this.#sections(step.snapshot));
  }

  #label(i: number): string {
    const event = this.#event!;
    const statements = event.steps.length - 1;
    return i === statements ? this.#s.afterCell : this.#s.beforeStatement(i + 1, statements + event.omitted);
  }

  #sections(snapshot: InspectorSnapshot): HTMLElement[] {
    const s = this.#s;
    const sessions = el("div", "nb-insp-section");
    sessions.append(el("p", "nb-insp-heading", s.sessions));
    if (!snapshot.sessions.length) sessions.append(el("p", "nb-insp-empty", s.noSessions));
    for (const session of snapshot.sessions) sessions.append(sessionView(session, s));

    const connections = el("div", "nb-insp-section");
    connections.append(el("p", "nb-insp-heading", s.connections));
    if (!snapshot.connections.length) connections.append(el("p", "nb-insp-empty", s.noConnections));
    else
      connections.append(
        tableOf(
          s.connections,
          ["Connection", "Engine", "Transaction", "Savepoints", "Has written"],
          snapshot.connections.map((c) => [
            c.name ? `${c.label} (${c.name})` : c.label,
            snapshot.engines.find((e) => e.id === c.engineId)?.name ?? `Engine #${c.engineId}`,
            c.inTransaction ? s.inTransaction : s.noTransaction,
            c.savepoints.join(", ") || "—",
            c.wrote ? "yes" : "no",
          ]),
        ),
      );

    const engines = el("div", "nb-insp-section");
    engines.append(el("p", "nb-insp-heading", s.engines));
    for (const engine of snapshot.engines) engines.append(engineView(engine));
    return [sessions, connections, engines];
  }
}
