import { CtrCommand } from '../../base';

export default class ContentPrune extends CtrCommand {
  static override summary = 'Prunes content from the content store';
  static override description = 'Subcommands: references (prune the layer reference labels, then collect).';
  static override usage = 'content prune references [flags]';

  async run(): Promise<void> {
    // As ctr (a command with subcommands only): show the help.
    await this.config.runCommand('help', ['content', 'prune']);
  }
}
