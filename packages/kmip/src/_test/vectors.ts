/**
 * OASIS KMIP conformance vectors from the shared vector folder (`../shared/vectors` next to the
 * repository, or `$CUSTOS_VECTORS`). Suites skip, saying why, when the folder is absent; a folder
 * that is present but yields no file fails, so a suite never passes vacuously.
 *
 * The XML files use placeholders for values a server chooses (`$NOW`, `$NOW-3600`,
 * `$UNIQUE_IDENTIFIER_0`, `$DATA_0`...). Text placeholders are valid TextStrings and stay;
 * DateTime and ByteString placeholders are replaced by fixed, deterministic values.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../../..');

export const vectorRoot: string | undefined = (() => {
  const candidate = process.env['CUSTOS_VECTORS'] ?? join(repoRoot, '..', 'shared', 'vectors');
  return existsSync(candidate) ? candidate : undefined;
})();

/** Why a vector suite skips, or false when its folder is present. */
export function vectorsSkipReason(relativePath: string): string | false {
  if (vectorRoot === undefined) {
    return 'shared test vectors not found (set CUSTOS_VECTORS or place them at ../shared/vectors)';
  }
  if (!existsSync(join(vectorRoot, relativePath)))
    return `vector folder ${relativePath} not present`;
  return false;
}

export interface VectorFile {
  name: string;
  text: string;
}

/** Fixed "now" used for `$NOW` placeholders: 2020-12-14T00:00:00Z (KMIP 2.1 publication date). */
export const VECTOR_NOW = 1607904000n;

/** Replaces DateTime and ByteString placeholders by fixed values. */
export function substitutePlaceholders(xml: string): string {
  return xml
    .replace(/type="DateTime" value="\$NOW([+-]\d+)?"/g, (_all, delta: string | undefined) => {
      const seconds = VECTOR_NOW + BigInt(delta ?? 0);
      return `type="DateTime" value="0x${seconds.toString(16).padStart(16, '0')}"`;
    })
    .replace(
      /type="ByteString" value="\$[A-Z0-9_]+"/g,
      'type="ByteString" value="0123456789abcdef"',
    );
}

/** The XML files of a vector folder, placeholders substituted; throws if there are none. */
export function loadXmlVectors(relativePath: string): VectorFile[] {
  if (vectorRoot === undefined) throw new Error('shared test vectors are not present');
  const dir = join(vectorRoot, relativePath);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((name) => ({ name, text: substitutePlaceholders(readFileSync(join(dir, name), 'utf8')) }));
  if (files.length === 0) throw new Error(`no XML vectors in ${relativePath}`);
  return files;
}
