/**
 * `custos audit verify`: checks every audit chain of the configured database (or one, with
 * --chain) with the KEK, and prints each chain's length and head MAC (anchor the head elsewhere
 * to detect truncation). Exit status 1 when a chain is broken.
 */
import { registerCommand } from './_commands.ts';

registerCommand(['audit', 'verify'], {
  summary: 'verify the hash-chained audit log',
  usage: '[-c FILE] [--chain NAME] [--json] [--<setting> VALUE]...',
  description: `Verifies the hash chain of the audit log with the key-encryption key of the server
configuration (same -c FILE and setting flags as "custos serve"): every record's HMAC and sequence
number. Prints one line per chain with its record count and head; exits with status 1 if any
chain is broken. Run it against a stopped server, or accept that records written during the
check may be reported after it.`,
  raw: true,
  async run(ctx, args) {
    const { audit } = await import('./_audit.ts');
    return audit(args.positionals, (line) => ctx.stdout.write(`${line}\n`));
  },
});
