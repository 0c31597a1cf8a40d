// @ts-check
/**
 * The site: Astro (static output) with Starlight as the shell. Lessons are the `docs` collection,
 * read from `lessons/` (see site/content.config.ts). Markdown is parsed by Sätteri; its mdast plugin in
 * site/notebook/syntax.ts reads the notebook syntax (cells, <Compare>) once and turns each cell's fence
 * into a notebook cell, which Expressive Code then highlights (see CONTRIBUTING.md, "Site").
 *
 *   BASE_PATH=/learn/ npm run build   # serve from a sub-path
 */

import { fileURLToPath } from "node:url";
import { satteri } from "@astrojs/markdown-satteri";
import starlight from "@astrojs/starlight";
import { defineConfig } from "astro/config";
import { apiTable } from "./site/integrations/api-table.ts";
import { apiTypes } from "./site/integrations/api-types.ts";
import { kernelFiles, kernelPreload } from "./site/integrations/kernel-preload.ts";
import { offline } from "./site/integrations/offline.ts";
import { precompress } from "./site/integrations/precompress.ts";
import { notebookSyntax } from "./site/notebook/syntax.ts";
import { kernelAssetSizes } from "./site/worker/asset-sizes.ts";
import { loadTypeScript } from "./site/worker/transpile.ts";

/** `/learn/` → `/learn`; empty → `/`. */
const base = `/${(process.env.BASE_PATH ?? "").replace(/^\/+|\/+$/g, "")}`;

export default defineConfig({
  srcDir: "./site",
  publicDir: "./site/public",
  outDir: "./dist",
  output: "static",
  base,
  trailingSlash: "always",
  site: process.env.SITE_URL,
  markdown: { processor: satteri({ mdastPlugins: [notebookSyntax(loadTypeScript)] }) },
  integrations: [
    starlight({
      title: { en: "Learn SQLAlchemy by running it", ru: "SQLAlchemy на практике" },
      description:
        "Notebook lessons: TypeScript cells run a port of SQLAlchemy 2.x on PostgreSQL (PGlite) and SQLite (sql.js) in your browser.",
      defaultLocale: "root",
      locales: {
        root: { label: "English", lang: "en" },
        ru: { label: "Русский", lang: "ru" },
      },
      sidebar: [
        { label: "Start here", translations: { ru: "Начало" }, link: "/" },
        {
          label: "Lessons",
          translations: { ru: "Уроки" },
          items: [{ autogenerate: { directory: "fundamentals" } }],
        },
      ],
      customCss: ["./site/styles/notebook.css", "./site/styles/learn.css"],
      components: {
        MarkdownContent: "./site/components/LessonContent.astro",
      },
      expressiveCode: {
        themes: ["github-dark", "github-light"],
      },
      pagefind: true,
    }),
    // before offline() and precompress(): the pages' heads ask for the kernel's files first
    kernelPreload(),
    offline(),
    // after offline(): sw.js is compressed too
    precompress(),
  ],
  vite: {
    // The editor's API knowledge, from engine-wasm's types (loaded on an editor's first focus).
    plugins: [apiTable()],
    // Starlight's search box loads Pagefind's UI through this stand-in, which waits until the page's
    // database is ready or the learner reaches for search (site/client/search-ui.ts).
    resolve: {
      alias: [
        {
          find: /^@pagefind\/default-ui$/,
          replacement: fileURLToPath(new URL("./site/client/search-ui.ts", import.meta.url)),
        },
      ],
    },
    // Python's class names are the JavaScript class names (`sqlalchemy.exc.ProgrammingError`):
    // the worker bundle keeps them through minification.
    // The databases' file sizes (`virtual:kernel-asset-sizes`) give the download progress its total.
    worker: {
      format: "es",
      rolldownOptions: { output: { keepNames: true } },
      // the editor's diagnostics worker imports engine-wasm's declarations (`virtual:api-types`);
      // kernelFiles() records the kernel's script and database files for the pages' heads
      plugins: () => [kernelAssetSizes(), apiTypes(), kernelFiles()],
    },
    // sql.js and TypeScript are imported lazily in the kernel worker; found only then, they would make
    // the dev server re-optimize and reload under a running worker ("504 Outdated Optimize Dep").
    optimizeDeps: { exclude: ["@electric-sql/pglite"], include: ["sql.js", "typescript"] },
  },
});
