// @ts-check
/**
 * The site: Astro (static output) with Starlight as the shell. Lessons are the `docs` collection,
 * read from `lessons/` (see site/content.config.ts); their ```ts cell``` blocks become notebook cells
 * through the Expressive Code plugin in site/notebook/ec-plugin.ts (see CONTRIBUTING.md, "Site").
 *
 *   BASE_PATH=/learn/ npm run build   # serve from a sub-path
 */
import starlight from "@astrojs/starlight";
import { defineConfig } from "astro/config";
import { notebookCells } from "./site/notebook/ec-plugin.ts";
import { kernelAssetSizes } from "./site/worker/asset-sizes.ts";

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
      customCss: ["./site/styles/notebook.css"],
      components: {
        MarkdownContent: "./site/components/LessonContent.astro",
      },
      expressiveCode: {
        themes: ["github-dark", "github-light"],
        plugins: [notebookCells()],
      },
      pagefind: true,
    }),
  ],
  vite: {
    // Python's class names are the JavaScript class names (`sqlalchemy.exc.ProgrammingError`):
    // the worker bundle keeps them through minification.
    // The databases' file sizes (`virtual:kernel-asset-sizes`) give the download progress its total.
    worker: {
      format: "es",
      rolldownOptions: { output: { keepNames: true } },
      plugins: () => [kernelAssetSizes()],
    },
    // sql.js and TypeScript are imported lazily in the kernel worker; found only then, they would make
    // the dev server re-optimize and reload under a running worker ("504 Outdated Optimize Dep").
    optimizeDeps: { exclude: ["@electric-sql/pglite"], include: ["sql.js", "typescript"] },
  },
});
