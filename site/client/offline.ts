/**
 * Registers the service worker (`/sw.js`, generated at build from the built files by
 * site/integrations/offline.ts): after the first visit every page, the kernel, both databases' files
 * and the editor come from its versioned cache. A new deployment installs a new cache; the page
 * says so once, and the new version serves from the next page opened.
 */
import { afterFirstWork } from "./first-work.ts";
import { learnStrings } from "./learn-strings.ts";

/** Register anyway after this long (a page whose database never starts). */
const LATEST_MS = 60_000;

/**
 * Register the worker once the page's first work is done (site/client/first-work.ts): on a notebook
 * page when its database is ready (the precache then never slows the database's download), elsewhere
 * when the page is idle.
 */
export function registerOffline(): void {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  afterFirstWork(register, LATEST_MS);
}

function register(): void {
  const base = import.meta.env.BASE_URL.replace(/\/?$/, "/");
  const hadController = !!navigator.serviceWorker.controller;
  navigator.serviceWorker.register(`${base}sw.js`, { scope: base }).then(
    (registration) => {
      registration.addEventListener("updatefound", () => {
        const worker = registration.installing;
        worker?.addEventListener("statechange", () => {
          if (worker.state === "installed" && hadController)
            notify(learnStrings(document.documentElement.lang).newVersion);
        });
      });
    },
    () => {},
  );
}

function notify(text: string): void {
  const p = document.createElement("p");
  p.className = "nb-storage-notice";
  p.setAttribute("role", "status");
  p.textContent = text;
  (document.querySelector("main") ?? document.body).prepend(p);
}
