/**
 * The Cache API cache that holds the databases' files (their URLs carry a content hash). The kernel
 * fills it as it downloads a database (`assets.ts`); the service worker fills it with the other
 * database's files when it installs (site/integrations/offline.ts), so that both start offline after
 * the first visit. Nothing else stores them.
 */
export const DATABASE_CACHE = "nb-database-files";

/** Built files that are a database's (PGlite's WebAssembly, bundle and data directory; sql.js's WebAssembly). */
export const DATABASE_FILE =
  /(^|\/)(pglite|pgdata|pglite-lessons|sql-wasm|initdb)[-.][A-Za-z0-9_.-]+\.(wasm|data|tar)$/;
