/**
 * A map holding at most `max` entries: reading or writing an entry makes it the most recently used, and past
 * `max` the least recently used one is dropped (a `Map` keeps insertion order).
 */
export class RecentMap<K, V> {
  readonly #entries = new Map<K, V>();

  /** @param max entries kept (≥ 1). */
  constructor(private readonly max: number) {}

  /** The entry's value (now the most recently used), or undefined. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  /** Stores the entry as the most recently used, dropping the least recently used one past `max`. */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.max) this.#entries.delete(this.#entries.keys().next().value as K);
  }
}
