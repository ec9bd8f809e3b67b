import { Flags } from '@oclif/core';
import { CtrCommand } from '../../base';

/** logrus's text format quotes a value only when it has a character outside [A-Za-z0-9-._/@^+]. */
function logValue(v: string): string {
  return /^[A-Za-z0-9\-._/@^+]+$/.test(v) ? v : JSON.stringify(v);
}

export default class ContentPruneReferences extends CtrCommand {
  static override summary = 'Prunes preference labels from the content store (layers only by default)';
  static override description = 'Removes the manifests\' references to their layer blobs (containerd.io/gc.ref.content.l.* labels) in the namespace, then garbage-collects: layers that only unpacked images name are deleted, their snapshots stay.';
  static override flags = {
    async: Flags.boolean({ description: 'Allow garbage collection to cleanup asynchronously (berth: always synchronous)' }),
    dry: Flags.boolean({ description: 'Just show updates without applying (enables debug logging)' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ContentPruneReferences);
    const { pruneContentReferences } = require('@berth/core/dist/services/image-admin') as typeof import('@berth/core/dist/services/image-admin');
    const r = await pruneContentReferences(this.storeRoot(flags), flags.namespace, flags.dry);
    if (!flags.dry) return;
    // ctr's dry run logs at debug level what it would remove.
    const time = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    process.stderr.write(`time="${time}" level=debug msg="dry run, no changes will be applied"\n`);
    for (const l of r.labels) process.stderr.write(`time="${time}" level=debug msg="Removing label" digest=${logValue(l.digest)} label=${logValue(l.label)}\n`);
  }
}
