/**
 * `custos completion bash|zsh|fish`: a shell completion script generated from the command
 * table (so commands other modules register complete too): command words, options, the values
 * of options with choices, and file names where a command takes files.
 *
 *   custos completion bash > /etc/bash_completion.d/custos
 *   custos completion zsh > "${fpath[1]}/_custos"
 *   custos completion fish > ~/.config/fish/completions/custos.fish
 */
import { registerCommand } from './_commands.ts';

registerCommand(['completion'], {
  summary: 'print a shell completion script (bash, zsh or fish)',
  description: `Install:
  bash: custos completion bash > ~/.local/share/bash-completion/completions/custos
  zsh:  custos completion zsh > "\${fpath[1]}/_custos"   (then: compinit)
  fish: custos completion fish > ~/.config/fish/completions/custos.fish`,
  args: [{ name: 'SHELL', help: 'bash, zsh or fish' }],
  async run(ctx, args) {
    const shell = args.positionals[0];
    const { completionScript } = await import('./_completion.ts');
    if (shell !== 'bash' && shell !== 'zsh' && shell !== 'fish') {
      const { UsageError } = await import('./_errors.ts');
      throw new UsageError(`unknown shell ${shell ?? ''}: bash, zsh or fish`, 'completion');
    }
    ctx.stdout.write(completionScript(shell));
  },
});
