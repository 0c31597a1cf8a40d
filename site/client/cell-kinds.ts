/**
 * The kinds of cell the page knows (`data-kind`, set by the build from `site/notebook/kinds.ts`) and
 * the view that runs each. A kind whose cells behave as TypeScript cells do (an editor, a run in the
 * kernel) reuses `CellView`; a new kind adds its view here.
 */
import { CellView } from "./cell-view.ts";
import { ExerciseView } from "./panels/exercise.ts";
import type { Strings } from "./strings.ts";

type CellViewFactory = (el: HTMLElement, s: Strings) => CellView;

export const CELL_VIEWS: Readonly<Record<string, CellViewFactory>> = {
  typescript: (el, s) => new CellView(el, s),
  exercise: (el, s) => new ExerciseView(el, s),
};

export function cellView(el: HTMLElement, s: Strings): CellView {
  const make = CELL_VIEWS[el.dataset.kind ?? "typescript"] ?? CELL_VIEWS.typescript!;
  return make(el, s);
}
