/**
 * The notebook kernel: a module Web Worker, one per page. Messages: `protocol.ts`; logic: `runtime.ts`.
 */
import { assets, loadModule } from "./modules.ts";
import type { KernelEvent, KernelRequest } from "./protocol.ts";
import { KernelRuntime } from "./runtime.ts";
import { loadTypeScript } from "./transpile.ts";

const scope = self as unknown as {
  postMessage(event: KernelEvent): void;
  onmessage: ((e: MessageEvent<KernelRequest>) => void) | null;
};

const runtime = new KernelRuntime({
  post: (event) => scope.postMessage(event),
  loadModule,
  loadTypeScript,
  assets,
});

scope.onmessage = (e) => {
  void runtime.handle(e.data);
};
scope.postMessage({ type: "hello" });
