/**
 * Python calls classes without `new` (`ForeignKey("user.id")`, `String(30)`): this wraps a class so that
 * both `X(...)` and `new X(...)` construct it, while `instanceof X` and subclassing keep working.
 */
export function callable<C extends new (...args: any[]) => object>(
  cls: C,
): C & ((...args: ConstructorParameters<C>) => InstanceType<C>) {
  return new Proxy(cls, {
    apply(target, _this, args) {
      return new target(...args);
    },
  }) as C & ((...args: ConstructorParameters<C>) => InstanceType<C>);
}
