/**
 * KMIP bit masks carried in Integer items (Cryptographic Usage Mask, Protection Storage Mask,
 * Storage Status Mask): typed bit constants and the textual forms of the JSON (`A|B|0x10`) and
 * XML (`A B 0x10`) encodings.
 */
import { MASKS_21 } from './_tables-masks.ts';
import { USAGE_MASK_V1 } from './_tables-v1.ts';
import { Tag, _looseKey } from './tags.ts';

/** Cryptographic Usage Mask bits (KMIP 2.1; the 1.x-only bits are in `UsageMaskV1`). */
export const CryptographicUsageMask = MASKS_21.CryptographicUsageMask;
/** Cryptographic Usage Mask bits defined only in KMIP 1.x. */
export const UsageMaskV1 = USAGE_MASK_V1;
export const ProtectionStorageMask = MASKS_21.ProtectionStorageMask;
export const StorageStatusMask = MASKS_21.StorageStatusMask;

interface MaskTable {
  readonly bits: readonly (readonly [string, number])[];
  readonly byName: Map<string, number>;
}

function build(values: Readonly<Record<string, number>>): MaskTable {
  const bits = Object.entries(values).sort((a, b) => a[1] - b[1]);
  const byName = new Map<string, number>();
  for (const [name, bit] of bits) {
    byName.set(name, bit);
    byName.set(_looseKey(name), bit);
  }
  return { bits, byName };
}

const masks = new Map<string, MaskTable>([
  ['CryptographicUsageMask', build({ ...MASKS_21.CryptographicUsageMask, ...USAGE_MASK_V1 })],
  ['ProtectionStorageMask', build(MASKS_21.ProtectionStorageMask)],
  ['StorageStatusMask', build(MASKS_21.StorageStatusMask)],
]);

const maskTags = new Map<number, string>([
  [Tag.CryptographicUsageMask, 'CryptographicUsageMask'],
  [Tag.ProtectionStorageMask, 'ProtectionStorageMask'],
  [Tag.StorageStatusMask, 'StorageStatusMask'],
]);

/** Name of the mask an Integer item with this tag carries, if any. */
export function maskForTag(tag: number): string | undefined {
  return maskTags.get(tag);
}

/**
 * Mask value as names joined by `separator`; bits without a name are appended as one 8-digit
 * hex component. Zero gives "0x00000000". Undefined for an unknown mask.
 */
export function formatMask(mask: string, value: number, separator: string): string | undefined {
  const table = masks.get(mask);
  if (table === undefined) return undefined;
  const unsigned = value >>> 0;
  const parts: string[] = [];
  let rest = unsigned;
  for (const [name, bit] of table.bits) {
    if ((unsigned & bit) >>> 0 === bit) {
      parts.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0 || parts.length === 0)
    parts.push(`0x${rest.toString(16).toUpperCase().padStart(8, '0')}`);
  return parts.join(separator);
}

/**
 * Parses mask text: components split by `separator` (a regular expression), each a bit name in
 * any spelling or a 32-bit hex `0x` value. Returns the mask as a signed 32-bit Integer value,
 * or undefined when a component is not understood.
 */
export function parseMask(mask: string, text: string, separator: RegExp): number | undefined {
  const table = masks.get(mask);
  if (table === undefined) return undefined;
  const parts = text.split(separator).filter((p) => p !== '');
  if (parts.length === 0) return undefined;
  let value = 0;
  for (const part of parts) {
    let bit: number | undefined;
    if (/^0x[0-9a-fA-F]{1,8}$/.test(part)) bit = Number.parseInt(part.slice(2), 16);
    else bit = table.byName.get(part) ?? table.byName.get(_looseKey(part));
    if (bit === undefined) return undefined;
    value = (value | bit) >>> 0;
  }
  return value | 0;
}
