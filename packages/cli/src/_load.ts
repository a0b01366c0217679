/**
 * Loads the command modules: every `cmd-*.ts` (source checkout) or `cmd-*.js` (built package)
 * file beside this one, tests excluded. Each registers its commands when imported, so a new
 * command file needs no edit anywhere else.
 */
import { readdirSync } from 'node:fs';

let loaded: Promise<void> | undefined;

/** Imports every command module once. */
export function loadCommands(): Promise<void> {
  loaded ??= (async () => {
    const here = new URL('.', import.meta.url);
    const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const files = readdirSync(here)
      .filter(
        (f) =>
          f.startsWith('cmd-') && f.endsWith(ext) && !f.includes('.test.') && !f.endsWith('.d.ts'),
      )
      .sort();
    for (const f of files) await import(new URL(f, here).href);
  })();
  return loaded;
}
