import { Args } from '@oclif/core';
import { CrictlCommand } from '../base';

/** cri-tools' `crictl completion [SHELL]`; berth's scripts also complete each command's flags. */
export default class Completion extends CrictlCommand {
  static override summary = 'Output shell completion code';
  static override description = `Output shell completion code for bash, zsh or fish.

Examples:

    # Installing bash completion on Linux
    source <(crictl completion bash)

    # Installing zsh completion on Linux
    source <(crictl completion zsh)

    # Installing fish completion on Linux
    crictl completion fish | source`;
  static override args = { shell: Args.string({ description: 'bash (default), zsh or fish', options: ['bash', 'zsh', 'fish'], default: 'bash' }) };

  async run(): Promise<void> {
    const { args } = await this.parse(Completion);
    const { completionScript } = require('@berth/core/dist/completion') as typeof import('@berth/core/dist/completion');
    const { completionInputOf } = require('@berth/core/dist/completion/oclif') as typeof import('@berth/core/dist/completion/oclif');
    process.stdout.write(completionScript(args.shell, completionInputOf(this.config, CrictlCommand.baseFlags)));
  }
}
