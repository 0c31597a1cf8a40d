/**
 * `sqlalchemy.inspection`: `inspect(subject)` asks the inspectors that modules registered for the
 * subject's kind (the ORM registers mapped instances → InstanceState, mapped classes → Mapper).
 */
import { NoInspectionAvailable } from "./exc.ts";

type Inspector = (subject: unknown) => unknown | undefined;
const inspectors: Inspector[] = [];

/** Registers an inspector: it returns the inspection result, or undefined when the subject is not its kind. */
export function _inspects(inspector: Inspector): void {
  inspectors.push(inspector);
}

export function inspect(subject: unknown, raiseerr = true): any {
  for (const fn of inspectors) {
    const r = fn(subject);
    if (r !== undefined) return r;
  }
  const self = (subject as { _sa_inspect?: () => unknown } | null)?._sa_inspect;
  if (typeof self === "function") return self.call(subject);
  if (!raiseerr) return null;
  const type =
    subject === null || subject === undefined
      ? "NoneType"
      : typeof subject === "object"
        ? Array.isArray(subject)
          ? "list"
          : Object.getPrototypeOf(subject) === Object.prototype
            ? "dict"
            : `__main__.${(subject as object).constructor.name}`
        : typeof subject === "function"
          ? "type"
          : typeof subject === "string"
            ? "str"
            : typeof subject === "number"
              ? "int"
              : typeof subject;
  throw new NoInspectionAvailable(`No inspection system is available for object of type <class '${type}'>`);
}
