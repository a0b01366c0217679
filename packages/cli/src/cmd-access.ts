/**
 * `custos access-rights grant|revoke|list|owned|obtained`: per-object rights on the KMS (only
 * an object's owner grants, revokes and lists; `*` as user means everyone).
 */
import { registerCommand } from './_commands.ts';

const RIGHTS =
  'activate addattribute decrypt deleteattribute derivekey destroy encrypt export get getattributes import locate mac modifyattribute rekey revoke setattribute (and create, on "*")';

for (const action of ['grant', 'revoke'] as const)
  registerCommand(['access-rights', action], {
    summary:
      action === 'grant'
        ? 'grant rights on an object to a user'
        : 'revoke rights on an object from a user',
    description: `Rights: ${RIGHTS}.`,
    options: {
      'object-uid': {
        value: 'ID',
        short: 'i',
        help: 'the object ("*" for the create right)',
        required: true,
      },
    },
    args: [
      { name: 'USER', help: 'user id (e.g. an e-mail address), "*" for everyone' },
      { name: 'RIGHT', help: 'one or more rights', variadic: true },
    ],
    async run(ctx, args) {
      const [user, ...rights] = args.positionals as [string, ...string[]];
      const uid = args.options['object-uid'] as string;
      const kms = await ctx.client();
      if (action === 'grant') await kms.grantAccess(uid, user, rights);
      else await kms.revokeAccess(uid, user, rights);
      ctx.out.result(
        { uniqueIdentifier: uid, user, rights, [action === 'grant' ? 'granted' : 'revoked']: true },
        () =>
          `${action === 'grant' ? 'granted' : 'revoked'} ${rights.join(', ')} on ${uid} ${action === 'grant' ? 'to' : 'from'} ${user}`,
      );
    },
  });

registerCommand(['access-rights', 'list'], {
  summary: 'list who holds which rights on an object (owner only)',
  args: [{ name: 'ID', help: 'the object' }],
  async run(ctx, args) {
    const list = await (await ctx.client()).listAccess(args.positionals[0] as string);
    ctx.out.result(list, (l) =>
      l.length === 0
        ? 'no rights granted'
        : l.map((e) => `${e.user}: ${e.operations.join(', ')}`).join('\n'),
    );
  },
});

registerCommand(['access-rights', 'owned'], {
  summary: 'list the objects you own',
  async run(ctx) {
    const list = await (await ctx.client()).ownedObjects();
    ctx.out.result(list, (l) =>
      l.length === 0
        ? 'no objects'
        : l
            .map(
              (o) =>
                `${o.objectId}  ${o.objectType}  ${o.state}${o.tags.length === 0 ? '' : `  [${o.tags.join(', ')}]`}`,
            )
            .join('\n'),
    );
  },
});

registerCommand(['access-rights', 'obtained'], {
  summary: 'list the objects others granted you rights on',
  async run(ctx) {
    const list = await (await ctx.client()).obtainedObjects();
    ctx.out.result(list, (l) =>
      l.length === 0
        ? 'no objects'
        : l
            .map((o) => `${o.objectId}  owner ${o.ownerId}  ${o.state}  ${o.operations.join(', ')}`)
            .join('\n'),
    );
  },
});
