/**
 * KMIP name normalization (KMIP Additional Message Encodings v1.0, §4.1.3 and §6.1.3): turns the
 * text of a tag, type or enumeration value as printed in the specification ("IV/Counter/Nonce",
 * "SHA-256", "3DES", "Item Not Found") into the CamelCase form used by the JSON and XML
 * encodings ("IVCounterNonce", "SHA_256", "DES3", "ItemNotFound").
 */
export function normalizeKmipName(text: string): string {
  // 1. Round brackets become spaces.
  const noBrackets = text.replace(/[()]/g, ' ');
  // 2. A non-word character followed by a letter then a lower-case letter becomes a space.
  const spaced = noBrackets.replace(/\W([A-Za-z][a-z])/g, ' $1');
  // 3. Remaining non-word characters (whitespace excluded, it separates words) become "_".
  const words = spaced
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w) => w.replace(/\W/g, '_'));
  if (words.length === 0) return '';
  // 4. Leading digits of the first word move to its end ("3DES" → "DES3").
  words[0] = (words[0] as string).replace(/^(\d+)(.*)$/, '$2$1');
  // 5. and 6. Capitalize each word and concatenate.
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}
