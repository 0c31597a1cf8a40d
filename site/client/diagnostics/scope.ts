/**
 * Which cells a cell's diagnostics know (the kernel's shared scope, site/worker/scope.ts): a module of
 * its own so that the page's notebook script takes only this rule, not the checker.
 */

/** A cell of the page as the scope rule needs it. */
export interface PageCell {
  readonly code: string;
  /** Run in page order before later cells (not a comparison's side, not an exercise). */
  readonly linear: boolean;
  readonly expectsError: boolean;
}

/**
 * The code of the cells `cells[index]` sees: the linear cells above it, except those that show an
 * exception on purpose (they are not run before later cells). The page (site/client/notebook.ts)
 * and the lessons' test use this rule.
 */
export function scopeOf(cells: readonly PageCell[], index: number): string[] {
  return cells
    .slice(0, index)
    .filter((c) => c.linear && !c.expectsError)
    .map((c) => c.code);
}
