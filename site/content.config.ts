/**
 * The content collections. `docs` is Starlight's collection name; its entries are the lessons in the
 * top-level `lessons/` folder (English at its root, a translation in `lessons/<locale>/`).
 *
 * The frontmatter is Starlight's (title, description, sidebar …) plus the lesson fields below, and
 * it is strict: an unknown or misspelt field fails the build with the file's name.
 */

import { defineCollection } from "astro:content";
import { docsLoader, i18nLoader } from "@astrojs/starlight/loaders";
import { docsSchema, i18nSchema } from "@astrojs/starlight/schema";
import { z } from "astro/zod";

/** The fields a lesson adds to Starlight's frontmatter. */
const lessonFields = z.object({
  /**
   * What the learner can do after the lesson, one sentence each; shown at the top of the page.
   * Required on lesson pages (pages with cells), optional elsewhere.
   */
  objectives: z.array(z.string().min(1)).min(1).optional(),
  /** Estimated minutes to read and run the lesson. */
  minutes: z.number().int().positive().max(240).optional(),
  /**
   * The databases every cell of the lesson runs on (the page's switch offers only these).
   * Both by default: a lesson should run unchanged on PostgreSQL and SQLite.
   */
  databases: z
    .array(z.enum(["postgresql", "sqlite"]))
    .min(1)
    .default(["postgresql", "sqlite"]),
  /**
   * The database the page starts on, unless the learner picked one before (the choice is
   * remembered across pages). Must be one of `databases`.
   */
  defaultDatabase: z.enum(["postgresql", "sqlite"]).optional(),
  /**
   * `required`: the build fails for a cell with neither a ```python twin nor twin="none: …"
   * (elsewhere a missing twin is a warning, until every lesson has its twins).
   */
  twins: z.literal("required").optional(),
});

const docs = defineCollection({
  // site/content/docs is a link to lessons/: Starlight expects its collection there (sidebar
  // autogeneration, locales and last-updated dates work from that path).
  loader: docsLoader(),
  schema: (context) =>
    docsSchema({ extend: lessonFields })(context)
      .strict()
      .refine((data) => !data.defaultDatabase || data.databases.includes(data.defaultDatabase), {
        message: "defaultDatabase must be one of databases",
        path: ["defaultDatabase"],
      }),
});

/**
 * Interface strings Starlight takes from its i18n collection (`site/content/i18n/<locale>.json`).
 * The search dialog's result lines are Pagefind's, translated only by what Starlight hands its UI:
 * Pagefind 1.5's packaged UI never reads the page's language (it picks its own translations in a
 * Svelte `onMount` that its bundle compiled as the server-side no-op), and Starlight has no
 * Russian for these, so a Russian page said "13 results for session".
 */
const i18n = defineCollection({ loader: i18nLoader(), schema: i18nSchema() });

export const collections = { docs, i18n };
