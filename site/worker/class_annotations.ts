/**
 * The cell compiler's class step: what Python gives a class at creation and TypeScript erases.
 *
 * Python keeps a class's annotations (`name: Mapped[Optional[str]]`) in `cls.__annotations__` and
 * calls the base's `__init_subclass__` once the class body has run; SQLAlchemy's DeclarativeBase
 * reads the annotations there to pick each column's type and NULL / NOT NULL, and raises its
 * class-creation errors (no `__tablename__`, no primary key). A TypeScript type annotation is gone
 * after transpiling, so this `before` transformer of `ts.transpileModule` gives every class that
 * `extends` something the same two things, as Python's stringified annotations (PEP 563):
 *
 *     class User extends Base {                     class User extends Base {
 *       static __tablename__ = "user_account";  →     static __annotations__ = { id: "number", fullname: "string | null" };
 *       @mapped_column(…) accessor id!: number;       static __tablename__ = "user_account";
 *       @mapped_column() accessor fullname!:          …the members as written…
 *         string | null;                              static { this.__init_subclass__?.(); }
 *     }                                             }
 *
 * `__annotations__` comes first (the static initialisers after it see it), the hook last (after
 * `__tablename__` and `__table_args__` are set). A class whose base has no `__init_subclass__` only
 * gains the annotations object.
 *
 * A class for which TypeScript writes a constructor (decorated members, field initialisers) and that
 * has none of its own is given the one JavaScript would give it, `constructor(...args) {
 * super(...args); }`, and TypeScript adds its work after the `super` call. The constructor TypeScript
 * writes passes `...arguments` on, which V8 does not inline into the base class's constructor:
 * making a mapped object, `new User({ … })`, took over twice as long. Used by every compile of learner-style TypeScript: lesson cells
 * (transpile.ts), conformance scenarios, the ORM tests and the benchmarks.
 */
import type * as TS from "typescript";

type TypeScript = typeof TS;

function memberName(ts: TypeScript, name: TS.PropertyName): string | null {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return null;
}

function isStatic(ts: TypeScript, member: TS.ClassElement): boolean {
  const mods = ts.canHaveModifiers(member) ? ts.getModifiers(member) : undefined;
  return !!mods?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
}

function extendsSomething(ts: TypeScript, node: TS.ClassLikeDeclaration): boolean {
  return !!node.heritageClauses?.some((h) => h.token === ts.SyntaxKind.ExtendsKeyword);
}

/**
 * Whether TypeScript will write a constructor for the class: it has none of its own, and it has
 * decorated members or instance fields with initialisers (assignments in the constructor, with
 * `useDefineForClassFields: false`).
 */
function needsConstructor(ts: TypeScript, node: TS.ClassLikeDeclaration): boolean {
  if (node.members.some(ts.isConstructorDeclaration)) return false;
  return node.members.some(
    (m) =>
      (ts.canHaveDecorators(m) && (ts.getDecorators(m)?.length ?? 0) > 0) ||
      (ts.isPropertyDeclaration(m) &&
        m.initializer !== undefined &&
        !isStatic(ts, m) &&
        !ts.isPrivateIdentifier(m.name)),
  );
}

/** The `before` transformer that adds `static __annotations__` and the `__init_subclass__` hook. */
export function classAnnotations(ts: TypeScript): TS.TransformerFactory<TS.SourceFile> {
  return (context) => {
    const f = context.factory;
    const printer = ts.createPrinter({ removeComments: true });
    return (sourceFile) => {
      const annotationsOf = (node: TS.ClassLikeDeclaration): TS.ObjectLiteralExpression => {
        const props: TS.PropertyAssignment[] = [];
        for (const member of node.members) {
          if (!ts.isPropertyDeclaration(member) || !member.type || isStatic(ts, member)) continue;
          const key = memberName(ts, member.name);
          if (key === null) continue;
          const text = printer.printNode(ts.EmitHint.Unspecified, member.type, sourceFile);
          props.push(f.createPropertyAssignment(f.createStringLiteral(key), f.createStringLiteral(text)));
        }
        return f.createObjectLiteralExpression(props, false);
      };
      const hook = () =>
        f.createClassStaticBlockDeclaration(
          f.createBlock([
            f.createExpressionStatement(
              f.createCallChain(
                f.createPropertyAccessExpression(f.createThis(), "__init_subclass__"),
                f.createToken(ts.SyntaxKind.QuestionDotToken),
                undefined,
                [],
              ),
            ),
          ]),
        );
      /** `constructor(...args) { super(...args); }` (a generated name: it cannot hide a variable). */
      const defaultConstructor = () => {
        const args = f.createUniqueName("args");
        return f.createConstructorDeclaration(
          undefined,
          [f.createParameterDeclaration(undefined, f.createToken(ts.SyntaxKind.DotDotDotToken), args)],
          f.createBlock(
            [
              f.createExpressionStatement(
                f.createCallExpression(f.createSuper(), undefined, [f.createSpreadElement(args)]),
              ),
            ],
            true,
          ),
        );
      };
      const visit = (node: TS.Node): TS.Node => {
        const visited = ts.visitEachChild(node, visit, context);
        if (!(ts.isClassDeclaration(visited) || ts.isClassExpression(visited))) return visited;
        if (!extendsSomething(ts, visited)) return visited;
        const annotations = f.createPropertyDeclaration(
          [f.createModifier(ts.SyntaxKind.StaticKeyword)],
          "__annotations__",
          undefined,
          undefined,
          annotationsOf(ts.isClassDeclaration(node) || ts.isClassExpression(node) ? node : visited),
        );
        const members = [annotations, ...visited.members, hook()];
        if (needsConstructor(ts, visited)) members.push(defaultConstructor());
        return ts.isClassDeclaration(visited)
          ? f.updateClassDeclaration(
              visited,
              visited.modifiers,
              visited.name,
              visited.typeParameters,
              visited.heritageClauses,
              members,
            )
          : f.updateClassExpression(
              visited,
              visited.modifiers,
              visited.name,
              visited.typeParameters,
              visited.heritageClauses,
              members,
            );
      };
      return ts.visitNode(sourceFile, visit) as TS.SourceFile;
    };
  };
}
