import { CrictlCommand } from '../base';

/** Placeholder (hidden) until the command is built. */
export default class Info extends CrictlCommand {
  static override hidden = true;
  static override summary = 'not yet built';
  static override strict = false;

  async run(): Promise<void> {
    this.error('crictl info: not yet built in berth');
  }
}
