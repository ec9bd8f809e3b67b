import { CtrCommand } from '../../base';
import { humanDuration, humanSize } from '../images/format';

export default class ContentActive extends CtrCommand {
  static override summary = 'Display active transfers';

  async run(): Promise<void> {
    const { flags } = await this.parse(ContentActive);
    const { activeIngests } = require('@berth/core/dist/services/image-admin') as typeof import('@berth/core/dist/services/image-admin');
    const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
    const now = Date.now();
    const rows = activeIngests(this.storeRoot(flags)).map((s) => [s.ref, humanSize(s.offset), humanDuration(now - s.startedAt.getTime())]);
    process.stdout.write(tabwrite([['REF', 'SIZE', 'AGE'], ...rows], { minwidth: 1, padding: 1 }));
  }
}
