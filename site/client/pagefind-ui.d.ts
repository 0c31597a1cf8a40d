/** Pagefind's search UI, as Starlight loads it (site/client/search-ui.ts); the package has no types. */
declare module "@pagefind/default-ui/npm_dist/mjs/ui-core.mjs" {
  export class PagefindUI {
    constructor(options: Record<string, unknown>);
  }
}
