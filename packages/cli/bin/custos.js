#!/usr/bin/env node
// Launcher of the `custos` command. In a source checkout (src/ present) it runs the TypeScript
// sources directly, resolving workspace packages through their `custos-source` export
// condition; in a published package (dist/ only) it runs the compiled files.
import { existsSync } from 'node:fs';
import process from 'node:process';

if (Number(process.versions.node.split('.')[0]) < 24) {
  process.stderr.write(`custos needs Node.js 24 or later; this is Node.js ${process.version}.\n`);
  process.exit(1);
}
// Imported after the version check: older Node.js versions lack registerHooks.
const { registerHooks } = await import('node:module');

const source = new URL('../src/main.ts', import.meta.url);
/** @type {{ main: (argv: string[]) => Promise<number> }} */
let cli;
if (existsSync(source)) {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const conditions = [...context.conditions, 'custos-source'];
      return nextResolve(specifier, { ...context, conditions });
    },
  });
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- our own entry module
  cli = await import(source.href);
} else {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- our own entry module
  cli = await import(new URL('../dist/main.js', import.meta.url).href);
}
process.exitCode = await cli.main(process.argv.slice(2));
