/**
 * Generates the KMIP 2.1 tag, enumeration and mask tables from the OASIS specification HTML
 * (KMIP Specification v2.1, OASIS Standard, 14 December 2020: §11 "Enumerations" and §12
 * "Bit Masks").
 *
 *   npm run generate -- <path to kmip-spec-v2.1-os.html>
 *   npx prettier --write src/_tables-*.ts
 *
 * writes src/_tables-tags.ts, src/_tables-enums.ts and src/_tables-masks.ts (each marked as
 * generated); after Prettier the output is byte-identical to the committed files. KMIP 1.x names that 2.x reserved are not in this document: they are written by
 * hand in src/_tables-v1.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { normalizeKmipName } from '../src/_normalize.ts';

const specPath = process.argv[2];
if (specPath === undefined) {
  console.error('usage: node scripts/gen-tables.ts <kmip-spec-v2.1-os.html>');
  process.exit(2);
}
const html = readFileSync(specPath, 'latin1');
const srcDir = fileURLToPath(new URL('../src/', import.meta.url));

const ENTITIES: Record<string, string> = {
  nbsp: ' ',
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  ndash: '-',
  mdash: '-',
  rsquo: "'",
  lsquo: "'",
};

/** Text content of an HTML fragment, entities decoded, whitespace collapsed. */
function text(fragment: string): string {
  return (
    fragment
      // Superscripts carry meaning in names ("GF (2<sup>16</sup>)" is GF(2^16)).
      .replace(/<sup[^>]*>/gi, '^')
      .replace(/<[^>]*>/g, '')
      .replace(/&([a-z]+);/g, (all, name: string) => ENTITIES[name] ?? all)
      .replace(/&#(\d+);/g, (_all, code: string) => String.fromCharCode(Number(code)))
      .replace(/[\u2010-\u2015\u0096\u0097]/g, '-')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

interface Section {
  title: string;
  body: string;
}

function sections(): Section[] {
  const heading = /<h([123])[^>]*>([\s\S]*?)<\/h\1>/g;
  const found: { title: string; start: number; end: number }[] = [];
  for (let m = heading.exec(html); m !== null; m = heading.exec(html)) {
    found.push({ title: text(m[2] ?? ''), start: m.index, end: heading.lastIndex });
  }
  return found.map((h, i) => ({
    title: h.title,
    body: html.slice(h.end, found[i + 1]?.start ?? html.length),
  }));
}

function tableRows(body: string): string[][][] {
  return (body.match(/<table[\s\S]*?<\/table>/g) ?? []).map((table) =>
    (table.match(/<tr[\s\S]*?<\/tr>/g) ?? []).map((row) =>
      (row.match(/<td[\s\S]*?<\/td>/g) ?? []).map(text),
    ),
  );
}

const HEX = /^(?:0x)?([0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})$/;

/** [name, value] rows of the "Name | Value" table of a section (reserved rows dropped). */
function nameValueRows(body: string): [string, number][] {
  for (const rows of tableRows(body)) {
    const out: [string, number][] = [];
    for (const cells of rows) {
      if (cells.length !== 2) continue;
      const [label, value] = cells as [string, string];
      const hex = HEX.exec(value.replace(/\s/g, ''));
      if (hex === null || /reserved|unused|extensions/i.test(label) || label === '') continue;
      out.push([label, Number.parseInt(hex[1] as string, 16)]);
    }
    if (out.length > 0) return out;
  }
  return [];
}

function check(cond: boolean, message: string): void {
  if (!cond) throw new Error(message);
}

const all = sections();
const tags: [string, number, string][] = [];
const enums = new Map<string, [string, number][]>();
const masks = new Map<string, [string, number][]>();

for (const s of all) {
  const enumMatch = /^11\.\d+\s*(.*?)\s*Enumeration\b/.exec(s.title);
  const maskMatch = /^12\.\d+\s*(.*?)$/.exec(s.title);
  if (enumMatch !== null) {
    const title = (enumMatch[1] as string).trim();
    const rows = nameValueRows(s.body);
    if (title === 'Tag') {
      for (const [label, value] of rows) tags.push([normalizeKmipName(label), value, label]);
      continue;
    }
    // PKCS#11 Function / Return Code have no table: their values come from PKCS#11 itself.
    if (rows.length === 0) continue;
    const entries = rows.map(([label, value]): [string, number] => [
      normalizeKmipName(label),
      value,
    ]);
    enums.set(normalizeKmipName(title), entries);
  } else if (maskMatch !== null && s.title.startsWith('12.')) {
    const rows = nameValueRows(s.body);
    check(rows.length > 0, `no mask rows in ${s.title}`);
    masks.set(
      normalizeKmipName((maskMatch[1] as string).trim()),
      rows.map(([label, value]): [string, number] => [normalizeKmipName(label), value]),
    );
  }
}

// Sanity checks against well-known values, so that a layout change in the HTML cannot silently
// produce wrong tables.
const tagMap = new Map(tags.map(([n, v]) => [n, v]));
check(tagMap.get('RequestMessage') === 0x420078, 'RequestMessage tag');
check(tagMap.get('IVCounterNonce') === 0x42003d, 'IVCounterNonce tag');
check(tagMap.get('ProtectionStorageMasks') === 0x42015f, 'ProtectionStorageMasks tag');
check(tags.length > 350, `only ${tags.length} tags`);
check(new Set(tags.map(([n]) => n)).size === tags.length, 'duplicate tag names');
check(new Set(tags.map(([, v]) => v)).size === tags.length, 'duplicate tag values');
const op = new Map(enums.get('Operation'));
check(op.get('Encrypt') === 0x1f && op.get('ReKeyKeyPair') === 0x1d, 'Operation enumeration');
check(new Map(enums.get('ResultReason')).get('ItemNotFound') === 1, 'ResultReason enumeration');
check(new Map(enums.get('HashingAlgorithm')).get('SHA_256') === 6, 'HashingAlgorithm');
check(new Map(masks.get('CryptographicUsageMask')).get('Encrypt') === 4, 'usage mask');
for (const [name, entries] of enums) {
  check(new Set(entries.map(([n]) => n)).size === entries.length, `duplicate names in ${name}`);
}

const header = (what: string): string =>
  `// GENERATED FILE — do not edit. Produced by scripts/gen-tables.ts from the OASIS\n` +
  `// "Key Management Interoperability Protocol Specification Version 2.1" (OASIS Standard,\n` +
  `// 14 December 2020), ${what}. Names are normalized as in KMIP Additional Message\n` +
  `// Encodings v1.0 §4.1.3.\n\n`;

const hex = (v: number, width: number): string =>
  `0x${v.toString(16).toUpperCase().padStart(width, '0')}`;
const q = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const table = (entries: [string, number][], indent: string): string =>
  entries.map(([n, v]) => `${indent}${n}: ${hex(v, 8)},\n`).join('');

writeFileSync(
  `${srcDir}_tables-tags.ts`,
  header('§11.56 "Tag Enumeration"') +
    `/** Normalized tag name → tag value. */\n` +
    `export const TAGS_21 = {\n` +
    tags.map(([n, v]) => `  ${n}: ${hex(v, 6)},\n`).join('') +
    `} as const;\n\n` +
    `/** Tag value → name as printed in the specification (used for KMIP 1.x attribute names). */\n` +
    `export const TAG_TEXT_21: Readonly<Record<number, string>> = {\n` +
    tags.map(([, v, label]) => `  ${hex(v, 6)}: ${q(label)},\n`).join('') +
    `};\n`,
);

writeFileSync(
  `${srcDir}_tables-enums.ts`,
  header('§11 "Enumerations"') +
    `/** Enumeration name → (normalized value name → value). */\n` +
    `export const ENUMS_21 = {\n` +
    [...enums].map(([name, entries]) => `  ${name}: {\n${table(entries, '    ')}  },\n`).join('') +
    `} as const;\n`,
);

writeFileSync(
  `${srcDir}_tables-masks.ts`,
  header('§12 "Bit Masks"') +
    `/** Mask name → (normalized bit name → bit value). */\n` +
    `export const MASKS_21 = {\n` +
    [...masks].map(([name, entries]) => `  ${name}: {\n${table(entries, '    ')}  },\n`).join('') +
    `} as const;\n`,
);

process.stdout.write(
  `wrote ${tags.length} tags, ${enums.size} enumerations (${[...enums.values()].reduce((a, e) => a + e.length, 0)} values), ${masks.size} masks\n`,
);
