/**
 * KMIP tags: the 3-byte identifiers of TTLV items. `Tag.X` gives the value of tag `X` (KMIP 2.1
 * names plus the KMIP 1.x tags that 2.x reserved); lookups go both ways and accept every
 * spelling the encodings use.
 */
import { TAGS_21, TAG_TEXT_21 } from './_tables-tags.ts';
import { TAGS_V1, TAG_TEXT_V1 } from './_tables-v1.ts';
import { COSMIAN_TAG_OVERRIDES } from './_tables-cosmian.ts';
import { normalizeKmipName } from './_normalize.ts';

/** Every named tag, KMIP 1.0–2.1: `Tag.RequestMessage === 0x420078`. */
export const Tag = { ...TAGS_21, ...TAGS_V1 } as const;
export type TagName = keyof typeof Tag;

/** Name spelling: OASIS normalized names, or the spelling Cosmian KMS v5 emits. */
export type NameStyle = 'oasis' | 'cosmian';

const byValue = new Map<number, string>();
const byName = new Map<string, number>();
const loose = new Map<string, number | null>();
const cosmianByValue = new Map<number, string>();

/** Key for spelling-insensitive matching: no underscores, dashes or spaces, lower case. */
export function _looseKey(name: string): string {
  return name.replace(/[_\-\s]/g, '').toLowerCase();
}

function addLoose(map: Map<string, number | null>, name: string, value: number): void {
  const key = _looseKey(name);
  const seen = map.get(key);
  // Two different values under one loose key make the key ambiguous: it then resolves nothing.
  map.set(key, seen === undefined || seen === value ? value : null);
}

for (const [name, value] of Object.entries(Tag)) {
  byValue.set(value, name);
  byName.set(name, value);
  addLoose(loose, name, value);
  const cosmian = COSMIAN_TAG_OVERRIDES[name] ?? name.replace(/_/g, '');
  cosmianByValue.set(value, cosmian);
  byName.set(cosmian, value);
}

const textByValue = new Map<number, string>(
  [...Object.entries(TAG_TEXT_21), ...Object.entries(TAG_TEXT_V1)].map(([k, v]) => [Number(k), v]),
);

/** True for a value in the standard (0x42xxxx) or extension (0x54xxxx) tag ranges. */
export function isValidTag(tag: number): boolean {
  return (
    Number.isInteger(tag) &&
    ((tag >= 0x420000 && tag <= 0x42ffff) || (tag >= 0x540000 && tag <= 0x54ffff))
  );
}

/** Name of a tag in the given style, or undefined for an unnamed tag (extensions). */
export function tagName(tag: number, style: NameStyle = 'oasis'): string | undefined {
  return style === 'cosmian' ? cosmianByValue.get(tag) : byValue.get(tag);
}

/** The tag as printed in the specification ("Cryptographic Algorithm"), used as KMIP 1.x attribute name. */
export function tagText(tag: number): string | undefined {
  return textByValue.get(tag);
}

/** `0x42XXXX`: the hex form every encoding accepts for any tag. */
export function tagHex(tag: number): string {
  return `0x${tag.toString(16).toUpperCase().padStart(6, '0')}`;
}

/**
 * Tag value for a name in any accepted spelling: OASIS normalized (`IVCounterNonce`), Cosmian
 * (`PKCS11Function`), `0x42XXXX` hex, or a spelling that differs only in case, `_`, `-` or
 * spaces when that is unambiguous. Undefined when nothing matches.
 */
export function tagFromName(name: string): number | undefined {
  const exact = byName.get(name);
  if (exact !== undefined) return exact;
  if (/^0x[0-9a-fA-F]{6}$/.test(name)) {
    const v = Number.parseInt(name.slice(2), 16);
    return isValidTag(v) ? v : undefined;
  }
  return loose.get(_looseKey(name)) ?? undefined;
}

/**
 * Tag named by a KMIP 1.x Attribute Name ("Cryptographic Algorithm", "x-ID" → undefined). The
 * 1.x names are the specification's display names, so they normalize to the tag names.
 */
export function tagFromAttributeName(attributeName: string): number | undefined {
  if (/^[xy]-/.test(attributeName)) return undefined;
  return tagFromName(normalizeKmipName(attributeName));
}
