/**
 * Client state of the forward-private mode.
 *
 * In this mode a keyword's chain has no header in the store: its position (number of cells,
 * GCM tag of the last cell) lives here, on the client, and the chain's address tag is random
 * (drawn when the chain is created or rewritten), not derived from the keyword. An insert
 * therefore writes only to fresh pseudo-random addresses the store has never seen, which it
 * cannot link to any earlier search: forward privacy. The price: one writer per state (two
 * clients holding copies of the same state would collide; the store's guards detect it), and
 * this state must be kept, and kept secret, like a key (it lists the keywords).
 *
 * `export()` serialises it; `ForwardState.import()` reads it back. Encrypt it at rest.
 */
import { abytes, bytesKey } from './_assert.ts';
import { GCM_TAG_LENGTH } from './cells.ts';
import { TAG_LENGTH } from './keys.ts';

/** One chain of the forward-private mode. @internal */
export interface ForwardChain {
  readonly epoch: number;
  /** Domain keyword. */
  readonly dk: Uint8Array;
  /** Random address tag of the chain. */
  readonly tag: Uint8Array;
  readonly count: number;
  readonly lastTag: Uint8Array;
}

const FORMAT = 1;

export class ForwardState {
  readonly #chains = new Map<string, ForwardChain>();

  /** Number of chains (domain keywords × epochs) held. */
  get size(): number {
    return this.#chains.size;
  }

  /** @internal */
  _get(epoch: number, dk: Uint8Array): ForwardChain | undefined {
    return this.#chains.get(_id(epoch, dk));
  }

  /** @internal */
  _set(chain: ForwardChain): void {
    this.#chains.set(_id(chain.epoch, chain.dk), chain);
  }

  /** @internal */
  _delete(epoch: number, dk: Uint8Array): void {
    this.#chains.delete(_id(epoch, dk));
  }

  /** @internal */
  _all(): ForwardChain[] {
    return [...this.#chains.values()];
  }

  /** Serialises the state (secret: it names every keyword). */
  export(): Uint8Array {
    let size = 5;
    for (const c of this.#chains.values())
      size += 4 + 2 + c.dk.length + TAG_LENGTH + 4 + GCM_TAG_LENGTH;
    const out = new Uint8Array(size);
    const v = new DataView(out.buffer);
    out[0] = FORMAT;
    v.setUint32(1, this.#chains.size);
    let o = 5;
    for (const c of this.#chains.values()) {
      v.setUint32(o, c.epoch);
      v.setUint16(o + 4, c.dk.length);
      out.set(c.dk, o + 6);
      o += 6 + c.dk.length;
      out.set(c.tag, o);
      v.setUint32(o + TAG_LENGTH, c.count);
      out.set(c.lastTag, o + TAG_LENGTH + 4);
      o += TAG_LENGTH + 4 + GCM_TAG_LENGTH;
    }
    return out;
  }

  /** Reads what `export()` wrote. @throws TypeError, RangeError on malformed input. */
  static import(bytes: Uint8Array): ForwardState {
    abytes(bytes, 'bytes', 5);
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes[0] !== FORMAT) throw new RangeError('unknown forward state format');
    const n = v.getUint32(1);
    const state = new ForwardState();
    let o = 5;
    for (let i = 0; i < n; i++) {
      if (o + 6 > bytes.length) throw new RangeError('truncated forward state');
      const epoch = v.getUint32(o);
      const len = v.getUint16(o + 4);
      const end = o + 6 + len + TAG_LENGTH + 4 + GCM_TAG_LENGTH;
      if (len === 0 || end > bytes.length) throw new RangeError('truncated forward state');
      const dk = bytes.slice(o + 6, o + 6 + len);
      o += 6 + len;
      state._set({
        epoch,
        dk,
        tag: bytes.slice(o, o + TAG_LENGTH),
        count: v.getUint32(o + TAG_LENGTH),
        lastTag: bytes.slice(o + TAG_LENGTH + 4, o + TAG_LENGTH + 4 + GCM_TAG_LENGTH),
      });
      o = end;
    }
    if (o !== bytes.length) throw new RangeError('trailing bytes after forward state');
    return state;
  }
}

function _id(epoch: number, dk: Uint8Array): string {
  return `${epoch}:${bytesKey(dk)}`;
}
