import ContentActive from './active';
import ContentGet from './get';
import ContentList from './list';
import ContentRemove from './remove';
/** The `content` topic's commands, keyed by oclif id. */
export const CONTENT_COMMANDS = {
  'content:active': ContentActive,
  'content:get': ContentGet,
  'content:list': ContentList,
  'content:remove': ContentRemove,
};
