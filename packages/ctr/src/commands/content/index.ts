import ContentActive from './active';
import ContentFetch from './fetch';
import ContentGet from './get';
import ContentLabel from './label';
import ContentList from './list';
import ContentPrune from './prune';
import ContentPruneReferences from './prune-references';
import ContentRemove from './remove';
import type { CommandLoaders } from '@berth/core/dist/cli/lazy-commands';

/** The `content` topic's commands, keyed by oclif id. */
export const CONTENT_COMMANDS: CommandLoaders = {
  'content:active': () => ContentActive,
  'content:get': () => ContentGet,
  'content:list': () => ContentList,
  'content:remove': () => ContentRemove,
  'content:fetch': () => ContentFetch,
  'content:label': () => ContentLabel,
  'content:prune': () => ContentPrune,
  'content:prune:references': () => ContentPruneReferences,
};
