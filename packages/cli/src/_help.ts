/**
 * Help texts generated from the command table: the top-level list, a group's subcommands, and
 * one command's usage, options and arguments.
 */
import { GLOBAL_OPTIONS } from './_args.ts';
import { commands, type OptionSpec, type RegisteredCommand } from './_commands.ts';

function optionLines(table: Readonly<Record<string, OptionSpec>>): string[] {
  const rows = Object.entries(table).map(([name, o]) => {
    const left = `${o.short === undefined ? '    ' : `-${o.short}, `}--${name}${o.value === undefined ? '' : ` ${o.value}`}`;
    const choices = o.choices === undefined ? '' : ` (${o.choices.join('|')})`;
    return [left, `${o.help}${choices}${o.required === true ? ' [required]' : ''}`] as const;
  });
  const width = Math.min(34, Math.max(0, ...rows.map(([l]) => l.length)) + 2);
  return rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`);
}

/** Global flags, for the top-level help and every client command's help. */
export function globalHelp(): string {
  return `Global options (any client command; also from the configuration file and environment):\n${optionLines(GLOBAL_OPTIONS).join('\n')}\n`;
}

/** Help of one command. */
export function commandHelp(c: RegisteredCommand): string {
  const path = c.path.join(' ');
  const usage =
    c.usage ??
    `${Object.keys(c.options ?? {}).length > 0 ? '[options] ' : ''}${(c.args ?? []).map((a) => (a.optional === true ? `[${a.name}]` : a.name) + (a.variadic === true ? '...' : '')).join(' ')}`;
  let out = `Usage: custos ${path} ${usage}`.trimEnd() + `\n\n${c.summary}\n`;
  if (c.description !== undefined) out += `\n${c.description.trimEnd()}\n`;
  if (c.raw === true) return out;
  if ((c.args ?? []).length > 0) {
    out += '\nArguments:\n';
    const width = Math.max(...(c.args ?? []).map((a) => a.name.length)) + 4;
    for (const a of c.args ?? []) out += `  ${a.name.padEnd(width)}${a.help}\n`;
  }
  if (c.options !== undefined && Object.keys(c.options).length > 0)
    out += `\nOptions:\n${optionLines(c.options).join('\n')}\n`;
  return `${out}\n${globalHelp()}`;
}

/** Help of a group (`custos sym`, `custos sym keys`) or of everything (empty prefix). */
export function groupHelp(prefix: readonly string[]): string {
  const under = commands().filter((c) => prefix.every((w, i) => c.path[i] === w));
  const head =
    prefix.length === 0
      ? 'Usage: custos <command> [options]'
      : `Usage: custos ${prefix.join(' ')} <command> [options]`;
  const rows = under.map((c) => [c.path.join(' '), c.summary] as const);
  const width = Math.max(0, ...rows.map(([p]) => p.length)) + 3;
  const list = rows.map(([p, s]) => `  ${p.padEnd(width)}${s}`).join('\n');
  const tail =
    prefix.length === 0
      ? `\n  help [command]${' '.repeat(Math.max(1, width - 14))}show help\n  version${' '.repeat(Math.max(1, width - 7))}print the version\n\n${globalHelp()}`
      : '';
  return `${head}\n\nCommands:\n${list}\n${tail}\nRun "custos <command> --help" for the options of a command.\n`;
}
