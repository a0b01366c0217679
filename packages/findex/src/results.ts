/** Search results as a set of values compared by content. */
import { abytes, bytesKey } from './_assert.ts';

/** A set of values (byte strings), compared by content, iterated in discovery order. */
export class ResultSet implements Iterable<Uint8Array> {
  readonly #values: Map<string, Uint8Array>;

  /** @internal Takes ownership of the map. */
  constructor(values: Map<string, Uint8Array> = new Map()) {
    this.#values = values;
  }

  get size(): number {
    return this.#values.size;
  }

  has(value: Uint8Array): boolean {
    return this.#values.has(bytesKey(abytes(value, 'value')));
  }

  /** Fresh copies of the values. */
  values(): Uint8Array[] {
    return [...this.#values.values()].map((v) => v.slice());
  }

  *[Symbol.iterator](): Iterator<Uint8Array> {
    for (const v of this.#values.values()) yield v.slice();
  }

  /** @internal */
  _map(): Map<string, Uint8Array> {
    return this.#values;
  }
}
