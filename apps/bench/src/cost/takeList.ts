/** What was recorded since the last `take()`, oldest first: each record is taken once. */
export class TakeList<T> {
  #items: T[] = [];

  push(item: T): void {
    this.#items.push(item);
  }

  take(): T[] {
    const taken = this.#items;
    this.#items = [];
    return taken;
  }
}
