/**
 * The ORM's inspectors: `inspect(obj)` → InstanceState, `inspect(User)` / `inspect(mapper)` → Mapper.
 */
import { _inspects, inspect } from "../inspection.ts";
import { STATE_ATTR } from "./base.ts";
import { _mapper_for_class, Mapper } from "./mapper.ts";

_inspects((subject) => {
  if (subject instanceof Mapper) return subject;
  if (typeof subject === "function") {
    const m = _mapper_for_class(subject);
    if (m) m._check_configure();
    return m ?? undefined;
  }
  if (subject !== null && typeof subject === "object") {
    const state = (subject as { [STATE_ATTR]?: unknown })[STATE_ATTR];
    if (state) return state;
  }
  return undefined;
});

export { inspect };
