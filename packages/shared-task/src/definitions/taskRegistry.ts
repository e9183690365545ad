import { TaskRegistryError, UnknownTaskTypeError } from "../errors.js";

/**
 * Tasks or contracts keyed by `type`. Built once at cold start; a duplicate `type` is a
 * programming error and fails loudly rather than letting one task shadow another.
 *
 * @example
 * ```ts
 * const registry = new TaskRegistry([echo, wordCount]);
 * const task = registry.get(envelope.type); // throws UnknownTaskTypeError for unknown types
 * ```
 */
export class TaskRegistry<Entry extends { readonly type: string }> {
  readonly #entries = new Map<string, Entry>();

  constructor(entries: Iterable<Entry>) {
    for (const entry of entries) {
      if (typeof entry?.type !== "string") {
        throw new TaskRegistryError("every registry entry needs a string `type`");
      }
      if (this.#entries.has(entry.type)) {
        throw new TaskRegistryError(
          `task type \`${entry.type}\` is registered twice; each type must be unique`,
        );
      }
      this.#entries.set(entry.type, entry);
    }
  }

  has(type: string): boolean {
    return this.#entries.has(type);
  }

  /** @throws UnknownTaskTypeError naming the type and listing the known ones. */
  get(type: string): Entry {
    const entry = this.#entries.get(type);
    if (!entry) throw new UnknownTaskTypeError(type, this.types());
    return entry;
  }

  /** Registered types in alphabetical order. */
  types(): string[] {
    return [...this.#entries.keys()].sort();
  }

  /** Entries in alphabetical order of type. */
  list(): Entry[] {
    return this.types().map((type) => this.get(type));
  }

  get size(): number {
    return this.#entries.size;
  }
}
