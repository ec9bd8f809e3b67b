import { Args } from '@oclif/core';
import { RuncCommand } from '../base';

/** berth's own: runc has no completion command (crictl's is mirrored). */
export default class Completion extends RuncCommand {
  static override summary = 'berth: output shell completion code (bash, zsh or fish)';
  static override description = `berth's own command (runc has none): the script is generated from runc's commands, so it follows them.

Examples:
    source <(runc completion bash)
    source <(runc completion zsh)
    runc completion fish | source`;
  static override args = { shell: Args.string({ description: 'bash (default), zsh or fish', options: ['bash', 'zsh', 'fish'], default: 'bash' }) };

  async run(): Promise<void> {
    const { args } = await this.parse(Completion);
    const { completionScript } = require('@berth/core/dist/completion') as typeof import('@berth/core/dist/completion');
    const { completionInputOf } = require('@berth/core/dist/completion/oclif') as typeof import('@berth/core/dist/completion/oclif');
    process.stdout.write(completionScript(args.shell, completionInputOf(this.config, RuncCommand.baseFlags)));
  }
}
