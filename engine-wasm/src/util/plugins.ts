/**
 * The dialect registry (SQLAlchemy's `sqlalchemy.dialects.registry`): `<backend>` or
 * `<backend>.<driver>` → dialect class. dialects/index.ts registers the built-in ones; the engine finds a
 * dialect by URL and never imports one.
 */
import { NoSuchModuleError } from "../exc.ts";

export interface DialectClassLike {
  readonly name: string;
}

export class PluginLoader<T> {
  private readonly group: string;
  private readonly impls = new Map<string, () => T>();
  constructor(group: string) {
    this.group = group;
  }
  register(name: string, load: () => T): void {
    this.impls.set(name, load);
  }
  load(name: string): T {
    const impl = this.impls.get(name);
    if (!impl) throw new NoSuchModuleError(`Can't load plugin: ${this.group}:${name}`);
    return impl();
  }
  has(name: string): boolean {
    return this.impls.has(name);
  }
}
