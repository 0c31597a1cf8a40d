/**
 * Registers the service worker (`/sw.js`, generated at build from the built files by
 * site/integrations/offline.ts): after the first visit every page, the kernel, both databases' files
 * and the editor come from its versioned cache. A new deployment installs a new cache; the page
 * says so once, and the new version serves from the next page opened.
 */
import { learnStrings } from "./learn-strings.ts";

export function registerOffline(): void {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
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
