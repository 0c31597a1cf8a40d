/**
 * The panels every cell gets, in the order they appear under it. Adding a panel: write its module
 * here (`definePanel({ name, events, create })`) and add it to this list.
 */
import { inspectorPanel } from "./inspector.ts";
import { outputPanel } from "./output.ts";
import type { PanelDefinition } from "./panel.ts";

export const PANELS: readonly PanelDefinition[] = [outputPanel, inspectorPanel];
