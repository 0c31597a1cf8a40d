/**
 * The built-in dialects (SQLAlchemy's dialects/__init__.py): each is registered under its URL name,
 * `<backend>` (the package's default driver) and `<backend>.<driver>`, in the registry
 * `create_engine()` looks the URL up in. The engine finds a dialect only there and never imports one;
 * the public modules (`sqlalchemy`, `sqlalchemy/orm`, `sqlalchemy/ext/asyncio`) import this module.
 */
import { registry } from "../engine/create.ts";
import * as postgresql from "./postgresql/index.ts";
import * as sqlite from "./sqlite/index.ts";

for (const [backend, pkg] of [
  ["postgresql", postgresql],
  ["sqlite", sqlite],
] as const) {
  registry.register(backend, () => pkg.dialect);
  for (const [driver, cls] of Object.entries(pkg.dialects))
    registry.register(`${backend}.${driver}`, () => cls);
}

export { registry };
