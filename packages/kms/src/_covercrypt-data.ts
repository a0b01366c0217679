/**
 * The byte layouts of Covercrypt Encrypt and Decrypt `Data` (LEB128 = unsigned little-endian
 * base-128 varint, as Cosmian's serializer writes it):
 *
 * | what | layout |
 * |---|---|
 * | Encrypt request (Cosmian's) | LEB128 \|policy\| ‖ policy (UTF-8) ‖ plaintext |
 * | bulk plaintext (Cosmian's) | LEB128 n ‖ n × (LEB128 \|mᵢ\| ‖ mᵢ) |
 * | bulk ciphertext (Custos) | LEB128 n ‖ LEB128 \|H\| ‖ H ‖ n × (LEB128 \|cᵢ\| ‖ cᵢ) |
 *
 * A bulk ciphertext carries ONE Covercrypt header H for all its messages (Cosmian's repeats the
 * ≈1.2 KB header in every item); message i is AES-256-GCM under a key derived from the header's
 * data key, bound to its index and to the count n (so reordering, dropping or truncating fails).
 */
import { KmsError } from './errors.ts';

/** Most messages in one bulk call. */
export const MAX_BULK = 1 << 20;

class Cursor {
  readonly bytes: Uint8Array;
  at = 0;
  readonly what: string;

  constructor(bytes: Uint8Array, what: string) {
    this.bytes = bytes;
    this.what = what;
  }

  fail(message: string): never {
    throw new KmsError('ERR_KMS_INVALID_FIELD', `${this.what}: ${message}`);
  }

  /** An LEB128 value, at most `max`. */
  varint(max: number): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.bytes[this.at++];
      if (b === undefined) return this.fail('truncated length');
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) {
        if (value > max) return this.fail('length out of range');
        return value;
      }
      scale *= 128;
    }
    return this.fail('length too long');
  }

  take(n: number): Uint8Array {
    if (this.at + n > this.bytes.length) this.fail('truncated');
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  /** A length-prefixed item. */
  item(): Uint8Array {
    return this.take(this.varint(this.bytes.length - this.at));
  }

  rest(): Uint8Array {
    const out = this.bytes.subarray(this.at);
    this.at = this.bytes.length;
    return out;
  }

  end(): void {
    if (this.at !== this.bytes.length) this.fail('trailing bytes');
  }
}

function varintBytes(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) b |= 0x80;
    out.push(b);
  } while (v > 0);
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Splits Cosmian's Encrypt Data into the encryption policy and the plaintext. */
export function splitPolicy(data: Uint8Array): { policy: string; plaintext: Uint8Array } {
  const c = new Cursor(data, 'Covercrypt Encrypt Data (LEB128 policy length, policy, plaintext)');
  const raw = c.item();
  if (raw.length === 0)
    throw new KmsError('ERR_KMS_ACCESS_POLICY', 'Covercrypt encryption needs an encryption policy');
  let policy: string;
  try {
    policy = utf8.decode(raw);
  } catch {
    throw new KmsError('ERR_KMS_ACCESS_POLICY', 'the encryption policy is not UTF-8 text');
  }
  return { policy, plaintext: c.rest() };
}

/** Cosmian's Encrypt Data for `policy` and `plaintext` (what clients send). */
export function joinPolicy(policy: string, plaintext: Uint8Array): Uint8Array {
  const p = new TextEncoder().encode(policy);
  return concat([Uint8Array.from(varintBytes(p.length)), p, plaintext]);
}

/** Reads `LEB128 n ‖ n × (LEB128 len ‖ item)`. */
export function readItems(data: Uint8Array, what: string): Uint8Array[] {
  const c = new Cursor(data, what);
  const n = c.varint(Math.min(MAX_BULK, data.length));
  if (n === 0) c.fail('no message');
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) out.push(c.item());
  c.end();
  return out;
}

/** Writes `LEB128 n ‖ n × (LEB128 len ‖ item)`, after an optional prefix item. */
export function writeItems(items: readonly Uint8Array[], header?: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.from(varintBytes(items.length))];
  if (header !== undefined) parts.push(Uint8Array.from(varintBytes(header.length)), header);
  for (const m of items) parts.push(Uint8Array.from(varintBytes(m.length)), m);
  return concat(parts);
}

/** Reads a Custos bulk ciphertext: the header and the messages. */
export function readBulkCiphertext(data: Uint8Array): {
  header: Uint8Array;
  ciphertexts: Uint8Array[];
} {
  const c = new Cursor(data, 'Covercrypt bulk ciphertext');
  const n = c.varint(Math.min(MAX_BULK, data.length));
  if (n === 0) c.fail('no message');
  const header = c.item();
  const ciphertexts: Uint8Array[] = [];
  for (let i = 0; i < n; i++) ciphertexts.push(c.item());
  c.end();
  return { header, ciphertexts };
}

/** The associated data of a bulk call: the client's, then the message count (truncation). */
export function bulkAad(aad: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(aad.length + 4);
  out.set(aad);
  new DataView(out.buffer).setUint32(aad.length, count);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
