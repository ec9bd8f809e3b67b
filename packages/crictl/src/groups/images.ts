import Imagefsinfo from '../commands/imagefsinfo';
import Images from '../commands/images';
import Inspecti from '../commands/inspecti';
import Pull from '../commands/pull';
import Rmi from '../commands/rmi';
import type { CommandLoaders } from '@berth/core/dist/cli/lazy-commands';

/** crictl's images commands, keyed by oclif id (one registry per group so groups grow independently). */
export const IMAGES_COMMANDS: CommandLoaders = {
  pull: () => Pull,
  images: () => Images,
  inspecti: () => Inspecti,
  rmi: () => Rmi,
  imagefsinfo: () => Imagefsinfo,
};
