/**
 * Key schedule, keyword tags and cell addresses.
 *
 * An index key is a 32-byte secret seed plus an epoch number. Three independent keys are
 * derived from it with HKDF-SHA256 (salt `custos-findex-v1`, info = role ‖ 0x00 ‖ epoch (u32 BE)
 * ‖ label), so that the same seed under another epoch or label gives unrelated keys:
 *
 * - `tag`: HMAC-SHA256 key. The tag of a keyword is the first 12 bytes of
 *   HMAC(tag, domain ‖ keyword bytes): a keyed PRF, never an unkeyed hash.
 * - `address`: AES-256 key. The address of cell i (0 = header, 1.. = chain) of a keyword is
 *   AES(address, tag ‖ i as u32 BE): a keyed pseudo-random permutation of a unique input, so two
 *   distinct (tag, i) never share an address and addresses look random to the store. All the
 *   addresses of a batch are computed in one AES-ECB call.
 * - `cell`: AES-256-GCM key sealing every cell.
 *
 * A keyword's tag and the addresses of its header and first chain cells are pure functions of
 * the key: each epoch caches them for the most recent keywords, so a repeated keyword costs no
 * HMAC and no AES call. Caching changes nothing the store can observe.
 */
import { abytes, aint, aobject, bytesKey } from './_assert.ts';
import { crypto, type AeadCipher, type AesBlockCipher, type MacKey } from './_crypto.ts';

/** A key of the index: a secret 32-byte seed and the epoch it belongs to. */
export interface FindexKey {
  /** Key epoch, 0 .. 2^32 − 1. Compaction moves the index to a newer epoch. */
  readonly epoch: number;
  /** 32 secret random bytes (e.g. `provider.random.bytes(32)`, or unwrapped from a KMS). */
  readonly seed: Uint8Array;
}

export const TAG_LENGTH = 12;
export const ADDRESS_LENGTH = 16;
export const MAX_CELL_INDEX = 0xffff_ffff;

const SALT = new TextEncoder().encode('custos-findex-v1');
const ENC = new TextEncoder();

/**
 * What a domain keyword derives to under one epoch's keys: its tag and the addresses of its
 * header and first chain cells. Pure functions of the key, so caching them changes nothing the
 * store can see. @internal
 */
export interface _KeywordRef {
  readonly tag: Uint8Array;
  /** Addresses of cells 0 (the header) .. `headCells` − 1, 16-byte views of one array. */
  readonly head: readonly Uint8Array[];
  /** The header address as a `bytesKey` string (the key of the header cache). */
  readonly hkey: string;
}

/** The parsed keys of one epoch, with a cache of keyword tags and first addresses. @internal */
export class _EpochKeys {
  readonly epoch: number;
  readonly #tag: MacKey;
  readonly #address: AesBlockCipher;
  readonly cell: AeadCipher;
  readonly #refs = new Map<string, _KeywordRef>();
  readonly #cacheSize: number;
  readonly #headCells: number;

  /**
   * `cacheSize` keywords keep their tag and first `headCells` addresses (header included), so
   * that a repeated keyword costs no HMAC and no AES call.
   */
  constructor(key: FindexKey, label: Uint8Array, cacheSize: number, headCells = 2) {
    aobject(key, 'key');
    this.epoch = aint(key.epoch, 'key.epoch', 0, 0xffff_ffff);
    const seed = abytes(key.seed, 'key.seed', 32, 32);
    const derive = (role: string): Uint8Array => {
      const r = ENC.encode(role);
      const info = new Uint8Array(r.length + 5 + label.length);
      info.set(r, 0);
      new DataView(info.buffer).setUint32(r.length + 1, this.epoch);
      info.set(label, r.length + 5);
      return crypto.kdf.hkdf('sha256', seed, SALT, info, 32);
    };
    const t = derive('tag');
    const a = derive('address');
    const c = derive('cell');
    this.#tag = crypto.mac.hmacKey('sha256', t);
    this.#address = crypto.block.aes(a);
    this.cell = crypto.aead.cipher('aes-256-gcm', c);
    // The parsed objects hold their own copies.
    t.fill(0);
    a.fill(0);
    c.fill(0);
    this.#cacheSize = cacheSize;
    this.#headCells = Math.max(1, headCells);
  }

  /**
   * The refs of many domain keywords (`names[i]`, when given, is `bytesKey(dks[i])`, which the
   * caller often has already). Missing ones cost one HMAC each and one AES-ECB call in all.
   */
  refs(dks: readonly Uint8Array[], names?: readonly string[]): _KeywordRef[] {
    const out = new Array<_KeywordRef>(dks.length);
    let missing: number[] | null = null;
    for (let i = 0; i < dks.length; i++) {
      const hit =
        this.#cacheSize === 0
          ? undefined
          : this.#refs.get(names?.[i] ?? bytesKey(dks[i] as Uint8Array));
      if (hit !== undefined) out[i] = hit;
      else (missing ??= []).push(i);
    }
    if (missing === null) return out;
    const h = this.#headCells;
    const tags = missing.map((i) => this.#tag.compute(dks[i] as Uint8Array).slice(0, TAG_LENGTH));
    const addrs = this.addresses(tags.map((tag) => ({ tag, from: 0, count: h })));
    for (let j = 0; j < missing.length; j++) {
      const i = missing[j] as number;
      const head = addrs.slice(j * h, (j + 1) * h);
      const ref: _KeywordRef = {
        tag: tags[j] as Uint8Array,
        head,
        hkey: bytesKey(head[0] as Uint8Array),
      };
      out[i] = ref;
      if (this.#cacheSize === 0) continue;
      if (this.#refs.size >= this.#cacheSize) {
        // Drop the oldest entry (Map iterates in insertion order).
        const first = this.#refs.keys().next();
        if (first.done !== true) this.#refs.delete(first.value);
      }
      this.#refs.set(names?.[i] ?? bytesKey(dks[i] as Uint8Array), ref);
    }
    return out;
  }

  /**
   * Addresses of cells `[from, from + count)` of each tag, concatenated per request, in one
   * AES-ECB call. Returns one 16-byte view per address, in request order.
   */
  addresses(requests: readonly { tag: Uint8Array; from: number; count: number }[]): Uint8Array[] {
    let total = 0;
    for (const r of requests) total += r.count;
    const input = new Uint8Array(total * ADDRESS_LENGTH);
    let o = 0;
    for (const r of requests) {
      if (r.from + r.count - 1 > MAX_CELL_INDEX)
        throw new RangeError('a keyword chain cannot exceed 2^32 − 1 cells');
      for (let i = 0; i < r.count; i++) {
        const n = r.from + i;
        input.set(r.tag, o);
        input[o + TAG_LENGTH] = n >>> 24;
        input[o + TAG_LENGTH + 1] = (n >>> 16) & 0xff;
        input[o + TAG_LENGTH + 2] = (n >>> 8) & 0xff;
        input[o + TAG_LENGTH + 3] = n & 0xff;
        o += ADDRESS_LENGTH;
      }
    }
    const out = this.#address.encryptBlocks(input, input);
    const views = new Array<Uint8Array>(total);
    for (let i = 0; i < total; i++)
      views[i] = out.subarray(i * ADDRESS_LENGTH, (i + 1) * ADDRESS_LENGTH);
    return views;
  }
}
