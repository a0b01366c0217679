/**
 * The recommended tweak: where the value lives. FPE is deterministic, so without a tweak the same
 * card number encrypts the same way in every table; with `contextTweak(table, column)` equal
 * values still match within one column (that is what lets a legacy join or an equality lookup keep
 * working) but not across columns or tables. Add a tenant id first for multi-tenant data.
 *
 * Plain concatenation would be ambiguous ("ab" + "c" = "a" + "bc"), so every part is length
 * prefixed: for each part, its UTF-8 (or raw) byte length as 4 bytes big-endian, then the bytes.
 */
import { isBytes } from './_assert.ts';

const utf8 = new TextEncoder();

/**
 * Encodes context parts (strings as UTF-8, or bytes) into one unambiguous tweak, e.g.
 * `contextTweak('customers', 'card_number')` or `contextTweak(tenantId, 'orders', 'amount')`.
 * @throws TypeError when a part is neither a string nor a Uint8Array.
 */
export function contextTweak(...parts: (string | Uint8Array)[]): Uint8Array {
  const encoded = parts.map((part, i) => {
    if (typeof part === 'string') return utf8.encode(part);
    if (isBytes(part)) return part;
    throw new TypeError(`part ${i} must be a string or a Uint8Array`);
  });
  let length = 0;
  for (const e of encoded) length += 4 + e.length;
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const e of encoded) {
    view.setUint32(offset, e.length);
    out.set(e, offset + 4);
    offset += 4 + e.length;
  }
  return out;
}
