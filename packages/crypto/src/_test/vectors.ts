/**
 * Loads public test vectors from the shared vector folder (`../shared/vectors` next to the
 * repository, or `$CUSTOS_VECTORS`). A suite whose folder is absent skips and says why; a file
 * that is present but yields zero vectors fails the suite, so a suite never passes vacuously.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../../..');

/** The vector root, or undefined when this machine has none. */
export const vectorRoot: string | undefined = (() => {
  const candidate = process.env['CUSTOS_VECTORS'] ?? join(repoRoot, '..', 'shared', 'vectors');
  return existsSync(candidate) ? candidate : undefined;
})();

/** Why vector suites skip, for `test(name, { skip })`. False when vectors are present. */
export function vectorsSkipReason(relativePath: string): string | false {
  if (vectorRoot === undefined) {
    return 'shared test vectors not found (set CUSTOS_VECTORS or place them at ../shared/vectors)';
  }
  if (!existsSync(join(vectorRoot, relativePath))) return `vector file ${relativePath} not present`;
  return false;
}

/** Reads and parses a JSON vector file; throws if vectors are absent (check skip first). */
export function readVectorJson<T = unknown>(relativePath: string): T {
  if (vectorRoot === undefined) throw new Error('shared test vectors are not present');
  return JSON.parse(readFileSync(join(vectorRoot, relativePath), 'utf8')) as T;
}

/** Wycheproof `testvectors_v1` layout. */
export interface WycheproofFile<G> {
  algorithm: string;
  numberOfTests: number;
  testGroups: (G & { tests: WycheproofTest[] })[];
}
export interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  result: 'valid' | 'invalid' | 'acceptable';
  [field: string]: unknown;
}

/**
 * Loads a Wycheproof file and returns its groups, each test carrying its group. Fails when the
 * file holds no tests at all.
 */
export function loadWycheproof<G>(name: string): { group: G; test: WycheproofTest }[] {
  const file = readVectorJson<WycheproofFile<G>>(join('wycheproof', name));
  const out: { group: G; test: WycheproofTest }[] = [];
  for (const group of file.testGroups) for (const test of group.tests) out.push({ group, test });
  if (out.length === 0) throw new Error(`no tests in ${name}: vector file empty or corrupt`);
  return out;
}

/** Fails when a filter left nothing to run: guards against a vector loop that tests nothing. */
export function nonEmpty<T>(items: T[], what: string): T[] {
  if (items.length === 0) throw new Error(`no vectors selected for ${what}`);
  return items;
}

export function hex(value: unknown): Uint8Array {
  if (typeof value !== 'string') throw new TypeError('vector field is not a hex string');
  return Uint8Array.from(Buffer.from(value, 'hex'));
}
