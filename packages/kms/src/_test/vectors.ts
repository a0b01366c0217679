/**
 * Public test vectors for the server suites: `../shared/vectors` next to the repository, or
 * `$CUSTOS_VECTORS`. An absent folder or file skips (saying why); a present file with no test
 * fails, so a suite never passes vacuously.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(import.meta.url), '../../../../..');
const root = process.env['CUSTOS_VECTORS'] ?? join(repoRoot, '..', 'shared', 'vectors');

/** Why a suite over `wycheproof/<name>` skips, or false when the file is there. */
export function wycheproofSkipReason(name: string): string | false {
  if (!existsSync(root))
    return 'shared test vectors not found (set CUSTOS_VECTORS or place them at ../shared/vectors)';
  return existsSync(join(root, 'wycheproof', name)) ? false : `wycheproof/${name} not present`;
}

export interface WycheproofTest {
  readonly tcId: number;
  readonly comment: string;
  readonly result: 'valid' | 'invalid' | 'acceptable';
  readonly [field: string]: unknown;
}

export interface WycheproofGroup {
  readonly tests: readonly WycheproofTest[];
  readonly [field: string]: unknown;
}

/** The groups of a Wycheproof file; throws when it holds no test. */
export function loadWycheproofGroups(name: string): readonly WycheproofGroup[] {
  const file = JSON.parse(readFileSync(join(root, 'wycheproof', name), 'utf8')) as {
    testGroups: WycheproofGroup[];
  };
  const count = file.testGroups.reduce((n, g) => n + g.tests.length, 0);
  if (count === 0) throw new Error(`no tests in wycheproof/${name}`);
  return file.testGroups;
}
