/** `custos server version|query|discover-versions`: what the KMS is and speaks. */
import { registerCommand } from './_commands.ts';

registerCommand(['server', 'version'], {
  summary: "print the server's version",
  async run(ctx) {
    const version = await (await ctx.client()).version();
    ctx.out.result({ version }, (r) => r.version);
  },
});

registerCommand(['server', 'query'], {
  summary: 'list the operations and object types the server supports',
  async run(ctx) {
    const q = await (await ctx.client()).query();
    ctx.out.result(q, (r) =>
      [
        `vendor: ${r.vendor ?? '-'}`,
        `operations: ${r.operations.join(', ')}`,
        `object types: ${r.objectTypes.join(', ')}`,
      ].join('\n'),
    );
  },
});

registerCommand(['server', 'discover-versions'], {
  summary: 'list the KMIP protocol versions the server speaks',
  async run(ctx) {
    const versions = await (await ctx.client()).discoverVersions();
    const list = versions.map((v) => `${v.major}.${v.minor}`);
    ctx.out.result(list, (l) => l.join('\n'));
  },
});
