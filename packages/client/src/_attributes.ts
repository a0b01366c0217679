/**
 * Attribute helpers of the client: the options every new object takes (name, tags, activation,
 * sensitivity, a chosen identifier) as KMIP Attributes, and reading tags and vendor attributes
 * back from Get Attributes.
 */
import { NameType, Tag, type Attributes, type VendorAttribute } from '@custos/kmip';

/** Options of every call that makes an object. */
export interface ObjectOptions {
  /** Name attribute (also how `@latest` keysets are addressed). */
  name?: string;
  /** User tags (not starting with `_`): Locate finds objects by them. */
  tags?: readonly string[];
  /** Choose the Unique Identifier (the server makes one otherwise). */
  uid?: string;
  /** Active at once (default true): the Activation Date is set to now. */
  activate?: boolean;
  /** Sensitive: never exported unwrapped. */
  sensitive?: boolean;
  /** False: never exported at all. */
  extractable?: boolean;
  /** Any other attribute, merged under the above. */
  attributes?: Attributes;
}

const VENDOR_ID = 'cosmian';

/** A vendor attribute holding text, as Cosmian clients send it (UTF-8 Byte String). */
export function vendorText(name: string, text: string): VendorAttribute {
  return {
    vendorIdentification: VENDOR_ID,
    attributeName: name,
    attributeValue: {
      tag: Tag.AttributeValue,
      type: 'ByteString',
      value: new TextEncoder().encode(text),
    },
  };
}

/** The `tag` vendor attribute (a JSON array of strings as text). */
export function tagsAttribute(tags: readonly string[]): VendorAttribute {
  for (const t of tags)
    if (typeof t !== 'string' || t === '') throw new TypeError('tags must be non-empty strings');
  return {
    vendorIdentification: VENDOR_ID,
    attributeName: 'tag',
    attributeValue: { tag: Tag.AttributeValue, type: 'TextString', value: JSON.stringify(tags) },
  };
}

/** Attributes of `options` on top of `base` (base wins for the fields it sets). */
export function objectAttributes(
  options: ObjectOptions,
  base: Attributes = {},
  now = new Date(),
): Attributes {
  const out: Attributes = { ...options.attributes, ...base };
  if (options.name !== undefined) {
    if (typeof options.name !== 'string' || options.name === '')
      throw new TypeError('name must be a non-empty string');
    out.names = [
      ...(out.names ?? []),
      { nameValue: options.name, nameType: NameType.UninterpretedTextString },
    ];
  }
  if (options.uid !== undefined) {
    if (typeof options.uid !== 'string' || options.uid === '')
      throw new TypeError('uid must be a non-empty string');
    out.uniqueIdentifier = options.uid;
  }
  if (options.activate !== false && out.activationDate === undefined) out.activationDate = now;
  if (options.sensitive !== undefined) out.sensitive = options.sensitive;
  if (options.extractable !== undefined) out.extractable = options.extractable;
  return withVendor(
    out,
    options.tags === undefined || options.tags.length === 0 ? [] : [tagsAttribute(options.tags)],
  );
}

/** `attributes` with `extra` vendor attributes added. */
export function withVendor(attributes: Attributes, extra: readonly VendorAttribute[]): Attributes {
  if (extra.length === 0) return attributes;
  return { ...attributes, vendorAttributes: [...(attributes.vendorAttributes ?? []), ...extra] };
}

/** Text of a vendor attribute (Text String, or UTF-8 Byte String), if present. */
export function readVendorText(attributes: Attributes, name: string): string | undefined {
  const v = attributes.vendorAttributes?.find((a) => a.attributeName === name);
  if (v === undefined) return undefined;
  const item = v.attributeValue;
  if (item.type === 'TextString') return item.value;
  if (item.type === 'ByteString') return new TextDecoder().decode(item.value);
  return undefined;
}

/** The tags of an object from its attributes (system tags included). */
export function readTags(attributes: Attributes): string[] {
  const text = readVendorText(attributes, 'tag');
  if (text === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}
