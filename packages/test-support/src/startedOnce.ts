/**
 * A stand-in for a value a test file makes in a `beforeAll`, which the file's top level can
 * already hold: each property read (and, for a function, each call) goes to what `resolve`
 * returns at that moment. Methods come bound to the value, so a class with private fields
 * works through it.
 */
export function lazily<T extends object>(what: string, resolve: () => T | undefined): T {
  const current = (): T => {
    const value = resolve();
    if (value === undefined) throw new Error(`${what} is used before the beforeAll that makes it`);
    return value;
  };
  // A function as the target, so that a stand-in for a function can be called too.
  return new Proxy(function standIn() {} as unknown as T, {
    get(_target, key) {
      const value = current();
      const property = Reflect.get(value, key, value);
      return typeof property === "function" ? property.bind(value) : property;
    },
    set: (_target, key, property) => Reflect.set(current(), key, property),
    has: (_target, key) => Reflect.has(current(), key),
    apply: (_target, self, args) => Reflect.apply(current() as () => unknown, self, args),
  });
}

/** The two hooks of the test runner that `startedOnce` registers (vitest's, passed in). */
export interface FileHooks {
  beforeAll(fn: () => Promise<void>): void;
  afterAll(fn: () => Promise<void>): void;
}

/**
 * What `start` makes once for a test file, in its `beforeAll`, and `stop` ends in its `afterAll`,
 * as a record the file's top level can destructure: each field a stand-in (`lazily`) for the
 * field `start` made.
 *
 * @example
 * ```ts
 * const { aws, records } = startedOnce({ beforeAll, afterAll }, startEnvironment, (e) => e.aws.stop());
 * ```
 */
export function startedOnce<T extends Record<string, object>>(
  hooks: FileHooks,
  start: () => Promise<T>,
  stop: (started: T) => Promise<unknown> | unknown,
): T {
  let started: T | undefined;
  hooks.beforeAll(async () => {
    started = await start();
  });
  hooks.afterAll(async () => {
    if (started) await stop(started);
  });
  return new Proxy({} as T, {
    get: (_target, key) =>
      typeof key === "string" ? lazily(key, () => started?.[key] as object | undefined) : undefined,
  });
}

/** Loaders of handler modules, by name: `{ ingest: () => import("./handlers/ingest.js") }`. */
export type HandlerModules = Record<string, () => Promise<{ handler: unknown }>>;

/** The handlers of the modules named, by name. */
export type LoadedHandlers<M extends HandlerModules, H extends keyof M> = {
  [K in H]: Awaited<ReturnType<M[K]>>["handler"];
};

/**
 * Loads the handler modules named, one after the other: a handler module reads its environment
 * when loaded, so load them once the environment is set.
 */
export async function loadHandlers<M extends HandlerModules, H extends keyof M>(
  modules: M,
  names: readonly H[],
): Promise<LoadedHandlers<M, H>> {
  const loaded: Partial<Record<H, unknown>> = {};
  for (const name of names) loaded[name] = (await (modules[name] as M[H])()).handler;
  return loaded as LoadedHandlers<M, H>;
}
