/**
 * Stands in for Pagefind's search UI (`@pagefind/default-ui`, about 20 KB compressed), which
 * Starlight's search box imports when the page is first idle (astro.config.mjs points the package's
 * name here). On a lesson page that is while the database is still downloading, and on a slow link
 * those bytes delay the database. The real UI is loaded once the page's first work is done
 * (site/client/first-work.ts), or at once when the learner reaches for search: the pointer on the
 * search button, focus on it, a tap, or Ctrl/⌘+K (also pressed before this stand-in was made),
 * whichever comes first. It is then built with the options Starlight gave, and takes the focus if
 * the search dialog is already open.
 */
import { afterFirstWork } from "./first-work.ts";

type PagefindOptions = Record<string, unknown>;

/** Load anyway after this long (a page whose database never starts). */
const LATEST_MS = 15_000;

let loading: Promise<new (options: PagefindOptions) => unknown> | undefined;

function load(): Promise<new (options: PagefindOptions) => unknown> {
  loading ??= import("@pagefind/default-ui/npm_dist/mjs/ui-core.mjs").then((m) => m.PagefindUI);
  return loading;
}

export class PagefindUI {
  constructor(options: PagefindOptions) {
    let built = false;
    const build = () => {
      if (built) return;
      built = true;
      void load().then((Real) => {
        new Real(options);
        const open = document.querySelector<HTMLDialogElement>("site-search dialog[open]");
        open?.querySelector("input")?.focus();
      });
    };
    const search = document.querySelector("site-search");
    for (const type of ["pointerover", "focusin", "touchstart", "click"])
      search?.addEventListener(type, build, { once: true, passive: true });
    addEventListener("keydown", (e) => {
      if ((e.metaKey || e.ctrlKey) && e.key === "k") build();
    });
    // the dialog was opened before this stand-in was made (Starlight makes it when the page is idle)
    if (search?.querySelector("dialog[open]")) build();
    else afterFirstWork(build, LATEST_MS);
  }
}
