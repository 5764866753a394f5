/**
 * Closures a lab keeps that a checkpoint can rebuild (engine/checkpoint.ts): a function made
 * by a named factory remembers the factory and its arguments, and a restore calls the factory
 * again with the restored arguments. A closure made otherwise must belong to the bare lab.
 */
// biome-ignore lint/suspicious/noExplicitAny: factories of any shape, typed at their definition
type AnyFactory = (...args: any[]) => (...a: any[]) => unknown;

const factories = new Map<string, AnyFactory>();
const made = new WeakMap<object, { name: string; args: unknown[] }>();

/** A factory whose closures checkpoints can carry (its name must be unique in the engine). */
export function rebindable<A extends unknown[], F extends (...a: never[]) => unknown>(
  name: string,
  make: (...args: A) => F,
): (...args: A) => F {
  factories.set(name, make as unknown as AnyFactory);
  return (...args: A) => {
    const f = make(...args);
    made.set(f, { name, args });
    return f;
  };
}

/** How a closure was made, when by a rebindable factory. */
export function rebindInfo(f: object): { name: string; args: unknown[] } | undefined {
  return made.get(f);
}

/** The closure a factory makes with these arguments (undefined for an unknown factory). */
export function rebind(name: string, args: unknown[]): ((...a: never[]) => unknown) | undefined {
  const make = factories.get(name);
  if (!make) return undefined;
  const f = make(...args);
  made.set(f, { name, args });
  return f;
}
