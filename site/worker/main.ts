/**
 * The kernel proper, loaded by the worker's entry (`kernel.ts`): engine-wasm, the databases' drivers
 * and the runtime.
 */
import { assets } from "./assets.ts";
import { loadModule } from "./modules.ts";
import type { KernelEvent } from "./protocol.ts";
import { KernelRuntime } from "./runtime.ts";
import { loadTypeScript } from "./transpile.ts";

export function createRuntime(post: (event: KernelEvent) => void): KernelRuntime {
  return new KernelRuntime({ post, loadModule, loadTypeScript, assets });
}
