/**
 * Loads public test vectors from the shared vector folder (`../shared/vectors` next to the
 * repository, or `$CUSTOS_VECTORS`). A suite whose folder is absent skips and says why; a file
 * that is present but yields zero vectors fails, so a suite never passes vacuously.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../../..');

export const vectorRoot: string | undefined = (() => {
  const candidate = process.env['CUSTOS_VECTORS'] ?? join(repoRoot, '..', 'shared', 'vectors');
  return existsSync(candidate) ? candidate : undefined;
})();

/** Why vector suites skip, for `test(name, { skip })`. False when the file is present. */
export function vectorsSkipReason(relativePath: string): string | false {
  if (vectorRoot === undefined) {
    return 'shared test vectors not found (set CUSTOS_VECTORS or place them at ../shared/vectors)';
  }
  if (!existsSync(join(vectorRoot, relativePath))) return `vector file ${relativePath} not present`;
  return false;
}

export interface WycheproofTest {
  tcId: number;
  comment: string;
  flags: string[];
  result: 'valid' | 'invalid' | 'acceptable';
  [field: string]: unknown;
}

/** Loads a Wycheproof file's tests with their groups; fails when it holds none. */
export function loadWycheproof<G>(name: string): { group: G; test: WycheproofTest }[] {
  if (vectorRoot === undefined) throw new Error('shared test vectors are not present');
  const file = JSON.parse(readFileSync(join(vectorRoot, 'wycheproof', name), 'utf8')) as {
    testGroups: (G & { tests: WycheproofTest[] })[];
  };
  const out: { group: G; test: WycheproofTest }[] = [];
  for (const group of file.testGroups) for (const test of group.tests) out.push({ group, test });
  if (out.length === 0) throw new Error(`no tests in ${name}: vector file empty or corrupt`);
  return out;
}

/** Fails when a filter left nothing to run. */
export function nonEmpty<T>(items: T[], what: string): T[] {
  if (items.length === 0) throw new Error(`no vectors selected for ${what}`);
  return items;
}

export function hex(value: string): Uint8Array {
  return Uint8Array.from(Buffer.from(value, 'hex'));
}
