import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';
import { listFormatFlag, printListJson } from '../../list-format';

/** Go's Time.Local().Format(time.RFC3339): seconds, the local offset (Z in UTC). */
function rfc3339Local(d: Date): string {
  const off = -d.getTimezoneOffset();
  const local = new Date(d.getTime() + off * 60_000).toISOString().slice(0, 19);
  if (off === 0) return `${local}Z`;
  const a = Math.abs(off);
  return `${local}${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

export default class LeasesList extends CtrCommand {
  static override summary = 'List all active leases';
  static override description = 'list active leases by containerd';
  static override aliases = ['leases:ls'];
  static override usage = 'leases list [flags] <filter>';
  static override flags = { quiet: Flags.boolean({ char: 'q', description: 'Print only the blob digest' }) , format: listFormatFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(LeasesList);
    const { listLeases } = require('@berth/core/dist/services/leases') as typeof import('@berth/core/dist/services/leases');
    const leases = listLeases(this.storeRoot(flags), flags.namespace);
    if (flags.quiet) {
      process.stdout.write(leases.map((l) => `${l.id}\n`).join(''));
      return;
    }
    if (printListJson(flags.format, leases)) return;
    const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
    const rows = leases.map((l) => {
      const pairs = Object.entries(l.labels).map(([k, v]) => `${k}=${v}`).sort();
      return [l.id, rfc3339Local(l.createdAt), pairs.length > 0 ? pairs.join(',') : '-'];
    });
    process.stdout.write(tabwrite([['ID', 'CREATED AT', 'LABELS'], ...rows], { minwidth: 1, padding: 1, padLast: true }));
  }
}
