import { CtrCommand } from '../../base';
import { snapshotScope, snapshotsService, snapshotterFlag } from './scope';
import type { SnapshotTreeNode } from '@berth/core/dist/services/snapshots';

/** ctr's printNode: two spaces per level, `\_` before a child, then ` <name>`. */
function lines(n: SnapshotTreeNode, level: number): string {
  const prefix = level > 0 ? `${'  '.repeat(level)}\\_` : '';
  return `${prefix} ${n.name}\n${n.children.map((c) => lines(c, level + 1)).join('')}`;
}

export default class SnapshotsTree extends CtrCommand {
  static override summary = 'Display tree view of snapshot branches';
  static override aliases = ['snapshot:tree'];
  static override flags = { snapshotter: snapshotterFlag };

  async run(): Promise<void> {
    const { flags } = await this.parse(SnapshotsTree);
    const roots = snapshotsService().snapshotTree(snapshotScope(this.storeRoot(flags), flags));
    process.stdout.write(roots.map((r) => lines(r, 0)).join(''));
  }
}
