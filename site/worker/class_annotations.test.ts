/**
 * The cell compiler's class step (class_annotations.ts) on plain classes: what it adds, and that the
 * constructor it gives a decorated class behaves as JavaScript's own default constructor.
 */
import { describe, expect, it } from "vitest";
import { ensureSymbols, transpileCell } from "../../conformance/lib/transpile.ts";

/** Compiles `source` as a cell and runs it as a function body; `source` returns what the test reads. */
function run(source: string): Record<string, unknown> {
  ensureSymbols();
  const js = transpileCell(source, "cell.ts").replace(/^\/\/# sourceMappingURL=.*$/m, "");
  return new Function(js)() as Record<string, unknown>;
}

const DECORATOR = `
  const seen: string[] = [];
  function tracked(_value: unknown, ctx: ClassAccessorDecoratorContext) {
    ctx.addInitializer(function (this: any) { seen.push("init " + String(ctx.name) + " after base: " + this.fromBase); });
    return { init: (v: unknown) => v ?? "default" } as any;
  }
  class Root {
    fromBase: string;
    received: unknown[];
    made: string;
    constructor(...given: unknown[]) {
      this.received = given;
      this.made = new.target.name;
      this.fromBase = "yes";
    }
  }
`;

describe("the class step", () => {
  it("keeps a class's annotations and calls __init_subclass__ after the class body", () => {
    const out = run(`
      const calls: string[] = [];
      class Root { static __init_subclass__() { calls.push((this as any).__tablename__ + " " + JSON.stringify((this as any).__annotations__)); } }
      class User extends Root {
        static __tablename__ = "user_account";
        name!: string;
        fullname!: string | null;
      }
      return { calls };
    `);
    expect(out.calls).toEqual(['user_account {"name":"string","fullname":"string | null"}']);
  });

  it("gives a decorated class without a constructor one that passes every argument on", () => {
    const out = run(`
      ${DECORATOR}
      const args = "outer args";
      class User extends Root {
        @tracked accessor name!: string;
        label = args;
      }
      const u = new User("a", 2, { three: 3 });
      return { u, seen, length: User.length, proto: Object.getPrototypeOf(u) === User.prototype };
    `);
    const u = out.u as { received: unknown[]; made: string; name: string; label: string };
    expect(u.received).toEqual(["a", 2, { three: 3 }]);
    expect(u.made).toBe("User");
    expect(out.proto).toBe(true);
    // the decorators' initialisers run once the base constructor has returned, as before
    expect(out.seen).toEqual(["init name after base: yes"]);
    expect(u.name).toBe("default");
    // a field initialiser still sees the variable of the cell, not the constructor's parameter
    expect(u.label).toBe("outer args");
    expect(out.length).toBe(0);
  });

  it("passes arguments on without `...arguments` (which V8 does not inline)", () => {
    const js = transpileCell(
      `${DECORATOR} class User extends Root { @tracked accessor name!: string; }`,
      "cell.ts",
    );
    expect(js).not.toContain("...arguments");
    expect(js).toMatch(
      /constructor\(\.\.\.(args_\d+)\) \{\s+super\(\.\.\.\1\);\s+__runInitializers\(this, _name_extraInitializers\);/,
    );
  });

  it("leaves a class's own constructor as written", () => {
    const out = run(`
      ${DECORATOR}
      class User extends Root {
        @tracked accessor name!: string;
        constructor(first: string, second: string) { super(second, first); }
      }
      return { u: new User("x", "y"), length: User.length, seen };
    `);
    expect((out.u as { received: unknown[] }).received).toEqual(["y", "x"]);
    expect(out.length).toBe(2);
    expect(out.seen).toEqual(["init name after base: yes"]);
  });

  it("gives a class with field initialisers the same constructor", () => {
    const out = run(`
      ${DECORATOR}
      class User extends Root { label = "set"; }
      return { u: new User(1, 2) };
    `);
    expect(out.u).toMatchObject({ received: [1, 2], made: "User", label: "set" });
    const js = transpileCell("class Root {} class User extends Root { label = 1; }", "cell.ts");
    expect(js).toMatch(/constructor\(\.\.\.args_\d+\)/);
    expect(js).not.toContain("...arguments");
  });

  it("gives a class for which TypeScript writes no constructor none", () => {
    const js = transpileCell(
      "class Root {} class User extends Root { name!: string; static n = 1; #p = 2; }",
      "cell.ts",
    );
    expect(js).not.toMatch(/constructor\(/);
  });
});
