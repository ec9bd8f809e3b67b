import ImagesList from './list';
import ImagesPull from './pull';
import ImagesRemove from './remove';
import ImagesTag from './tag';
/** The `images` topic's commands, keyed by oclif id. */
export const IMAGES_COMMANDS = {
  'images:list': ImagesList,
  'images:pull': ImagesPull,
  'images:remove': ImagesRemove,
  'images:tag': ImagesTag,
};
