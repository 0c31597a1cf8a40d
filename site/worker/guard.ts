/**
 * The kernel's channel, out of the cells' reach.
 *
 * The page hands the worker one end of a `MessageChannel` in its first message (`connect`); every
 * request and every event goes through that port from then on, and the port lives only in this
 * module's scope (a cell's code runs through a global `eval` and cannot name it). The worker's own
 * message channel carries nothing after that, so a cell that sets `self.onmessage` or calls
 * `postMessage` cannot take requests away from the kernel nor make up its events.
 *
 * `guardWorkerGlobals()` then makes `close()` and `postMessage()` of the worker global inert (on the
 * global and on its prototypes, so `Object.getPrototypeOf(self).close.call(self)` is inert too), and
 * `onmessage` a plain property: a cell cannot end the worker or listen to its channel.
 */

/** What the kernel needs of its channel (a `MessagePort`, or a stand-in in tests). */
export interface KernelPort {
  postMessage(message: unknown): void;
  onmessage: ((e: MessageEvent) => void) | null;
}

/** The port the page hands over in its first message (`{ type: "connect" }` with one port). */
export function receivePort(scope: { onmessage: ((e: MessageEvent) => void) | null }): Promise<MessagePort> {
  return new Promise((resolve) => {
    scope.onmessage = (e) => {
      const port = e.ports?.[0];
      if ((e.data as { type?: string } | null)?.type !== "connect" || !port) return;
      scope.onmessage = null;
      resolve(port);
    };
  });
}

const INERT = ["close", "postMessage"] as const;
const HANDLERS = ["onmessage", "onmessageerror"] as const;

/** Make the worker global's channel and `close()` useless to a cell (see the module comment). */
export function guardWorkerGlobals(global: object = globalThis): void {
  const inert = {
    close(): void {},
    postMessage(): void {},
  };
  for (let o: object | null = global; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of INERT) {
      const d = Object.getOwnPropertyDescriptor(o, name);
      // on the global itself (shadowing the prototypes'), and on each prototype that has one
      if (d ? !d.configurable : o !== global) continue;
      Object.defineProperty(o, name, { value: inert[name], writable: false, configurable: false });
    }
    for (const name of HANDLERS) {
      const d = Object.getOwnPropertyDescriptor(o, name);
      if (!d?.configurable) continue;
      // a plain value: setting it attaches nothing to the worker's (now unused) channel
      Object.defineProperty(o, name, { value: null, writable: true, configurable: false });
    }
  }
}
