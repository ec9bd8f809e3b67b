import { CrictlCommand } from '../base';

/** Placeholder (hidden) until the command is built. */
export default class Inspectp extends CrictlCommand {
  static override hidden = true;
  static override summary = 'not yet built';
  static override strict = false;

  async run(): Promise<void> {
    this.error('crictl inspectp: not yet built in berth');
  }
}
