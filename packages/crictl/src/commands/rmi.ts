import { Flags } from '@oclif/core';
import { CrictlCommand } from '../base';
import { log } from '../output';
import { crictlSettings, debug } from '../settings';

export default class Rmi extends CrictlCommand {
  static override summary = 'Remove one or more images';
  static override usage = 'rmi [flags] IMAGE-ID [IMAGE-ID...]';
  static override strict = false;
  static override flags = {
    all: Flags.boolean({ char: 'a', description: 'Remove all images' }),
    prune: Flags.boolean({ char: 'q', description: 'Remove all unused images' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Rmi);
    crictlSettings(flags, this.argv);
    const images = require('@berth/core/dist/cri/images') as typeof import('@berth/core/dist/cri/images');
    const root = this.store(flags).root;
    debug('get image connection');
    // crictl keeps a map id → remove?, so a name given twice is removed once.
    const ids = new Map<string, boolean>();
    for (const id of argv as string[]) ids.set(id, true);
    if (flags.all || flags.prune) {
      for (const img of images.listCriImages(root)) {
        if (flags.prune && img.pinned) continue;
        ids.set(img.id, true);
      }
    }
    if (flags.prune) for (const id of images.criImagesInUse(root)) ids.set(id, false);
    if (ids.size === 0) {
      if (flags.all || flags.prune) {
        log('info', 'No images to remove');
        return;
      }
      this.error('rmi: at least one IMAGE-ID is needed (or --all, --prune)');
    }
    let errored = false;
    for (const [id, remove] of ids) {
      if (!remove) continue;
      let status: ReturnType<typeof images.criImageStatus>;
      try {
        status = images.criImageStatus(root, id);
      } catch (err) {
        log('error', `image status request for ${JSON.stringify(id)} failed: ${(err as Error).message}`);
        errored = true;
        continue;
      }
      if (!status) {
        log('error', `no such image ${id}`);
        errored = true;
        continue;
      }
      try {
        await images.criRemoveImage(root, status.id);
      } catch (err) {
        // Races with another remove are expected while pruning.
        if (!flags.prune) {
          log('error', `error of removing image ${JSON.stringify(id)}: ${(err as Error).message}`);
          errored = true;
        }
        continue;
      }
      // An image pulled by digest has no tags: its repo digests are printed instead.
      const names = status.repoTags.length > 0 ? status.repoTags : status.repoDigests;
      process.stdout.write(names.map((n) => `Deleted: ${n}\n`).join(''));
    }
    if (errored) this.error('unable to remove the image(s)');
  }
}
