/**
 * Share links: the learner's edited cells of a page, compressed (deflate-raw, CompressionStream)
 * into the URL fragment `#share=…` — nothing is sent anywhere. Opening one shows each shared cell's
 * code marked "shared" above the cell, runs nothing, and asks whether to keep it (it then replaces
 * the learner's code of those cells) or discard it: the learner's own edits are never overwritten
 * without that answer. A damaged or oversized link says so.
 */
import type { CellView } from "./cell-view.ts";
import { type LearnStrings, learnStrings } from "./learn-strings.ts";

const PREFIX = "#share=";
/** Longest fragment written or read (well under what browsers and chat apps keep of a URL). */
export const MAX_FRAGMENT = 16_000;
const MAX_DECODED = 200_000;

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

const toBase64Url = (b: Uint8Array) =>
  btoa(String.fromCharCode(...b))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
const fromBase64Url = (s: string) =>
  Uint8Array.from(atob(s.replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));

export async function encodeShare(cells: Record<string, string>): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify({ v: 1, cells }));
  return PREFIX + toBase64Url(await pipe(json, new CompressionStream("deflate-raw")));
}

export type Decoded = { ok: true; cells: Record<string, string> } | { ok: false };

export async function decodeShare(hash: string): Promise<Decoded | null> {
  if (!hash.startsWith(PREFIX)) return null;
  const body = hash.slice(PREFIX.length);
  if (body.length > MAX_FRAGMENT) return { ok: false };
  try {
    const bytes = await pipe(fromBase64Url(body), new DecompressionStream("deflate-raw"));
    if (bytes.length > MAX_DECODED) return { ok: false };
    const data = JSON.parse(new TextDecoder().decode(bytes)) as {
      v?: number;
      cells?: Record<string, unknown>;
    };
    if (data.v !== 1 || !data.cells || typeof data.cells !== "object") return { ok: false };
    const cells: Record<string, string> = {};
    for (const [id, code] of Object.entries(data.cells)) if (typeof code === "string") cells[id] = code;
    return { ok: true, cells };
  } catch {
    return { ok: false };
  }
}

function notice(l: LearnStrings, text: string): HTMLElement {
  const box = document.createElement("div");
  box.className = "nb-share-notice";
  box.setAttribute("role", "alert");
  const p = document.createElement("p");
  p.textContent = text;
  box.append(p);
  const bar = document.querySelector("notebook-bar");
  (bar ?? document.querySelector("main") ?? document.body).after(box);
  void l;
  return box;
}

/** The Share button in the notebook bar. */
export function attachShareButton(cells: readonly CellView[]): void {
  const controls = document.querySelector<HTMLElement>("notebook-bar [data-nb-controls]");
  if (!controls || controls.querySelector('[data-action="share"]')) return;
  const l = learnStrings(document.documentElement.lang);
  const button = document.createElement("button");
  button.type = "button";
  button.className = "nb-button nb-share";
  button.textContent = l.share;
  const status = document.createElement("span");
  status.className = "nb-share-status";
  status.setAttribute("role", "status");
  button.addEventListener("click", async () => {
    const edited: Record<string, string> = {};
    for (const c of cells) if (c.edited) edited[c.id] = c.code;
    const fragment = await encodeShare(edited);
    if (fragment.length > MAX_FRAGMENT) {
      status.textContent = l.shareTooLarge;
      return;
    }
    const url = `${location.origin}${location.pathname}${fragment}`;
    status.dataset.url = url;
    try {
      await navigator.clipboard.writeText(url);
    } catch {
      // No clipboard permission: the link is in the address bar.
    }
    history.replaceState(null, "", fragment);
    status.textContent = l.shareCopied;
  });
  controls.append(button, status);
}

/** A page opened from a share link: show, don't run, ask. */
export async function openShared(cells: readonly CellView[]): Promise<void> {
  const decoded = await decodeShare(location.hash);
  if (!decoded) return;
  const l = learnStrings(document.documentElement.lang);
  const clear = () => history.replaceState(null, "", location.pathname + location.search);
  if (!decoded.ok) {
    notice(l, l.sharedCorrupt);
    clear();
    return;
  }
  const shared = cells.filter((c) => c.id in decoded.cells && decoded.cells[c.id] !== c.code);
  if (!shared.length) {
    clear();
    return;
  }
  const previews: HTMLElement[] = [];
  for (const c of shared) {
    const box = document.createElement("figure");
    box.className = "nb-shared not-content";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", `Shared code of ${c.id}`);
    const cap = document.createElement("figcaption");
    cap.textContent = `shared · ${c.id}`;
    const pre = document.createElement("pre");
    pre.textContent = decoded.cells[c.id]!;
    box.append(cap, pre);
    c.el.before(box);
    c.el.dataset.shared = "";
    previews.push(box);
  }
  const box = notice(l, l.sharedNotice(shared.length));
  const done = () => {
    for (const p of previews) p.remove();
    for (const c of shared) delete c.el.dataset.shared;
    box.remove();
    clear();
  };
  const keep = document.createElement("button");
  keep.type = "button";
  keep.className = "nb-button";
  keep.textContent = l.keepShared;
  keep.addEventListener("click", () => {
    for (const c of shared) c.replaceCode(decoded.cells[c.id]!);
    done();
  });
  const discard = document.createElement("button");
  discard.type = "button";
  discard.className = "nb-button";
  discard.textContent = l.discardShared;
  discard.addEventListener("click", done);
  box.append(keep, " ", discard);
}
