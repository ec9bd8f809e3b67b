import ImagesCheck from './check';
import ImagesExport from './export';
import ImagesImport from './import';
import ImagesLabel from './label';
import ImagesList from './list';
import ImagesMount from './mount';
import ImagesPrune from './prune';
import ImagesPull from './pull';
import ImagesPush from './push';
import ImagesRemove from './remove';
import ImagesTag from './tag';
import ImagesUnmount from './unmount';
import ImagesUsage from './usage';
import type { CommandLoaders } from '@berth/core/dist/cli/lazy-commands';

/** The `images` topic's commands, keyed by oclif id. */
export const IMAGES_COMMANDS: CommandLoaders = {
  'images:list': () => ImagesList,
  'images:pull': () => ImagesPull,
  'images:remove': () => ImagesRemove,
  'images:tag': () => ImagesTag,
  'images:import': () => ImagesImport,
  'images:export': () => ImagesExport,
  'images:push': () => ImagesPush,
  'images:check': () => ImagesCheck,
  'images:mount': () => ImagesMount,
  'images:unmount': () => ImagesUnmount,
  'images:label': () => ImagesLabel,
  'images:usage': () => ImagesUsage,
  'images:prune': () => ImagesPrune,
};
