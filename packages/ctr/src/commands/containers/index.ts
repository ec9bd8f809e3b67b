import ContainersCreate from './create';
import ContainersInfo from './info';
import ContainersLabel from './label';
import ContainersList from './list';
import ContainersRemove from './remove';
import type { CommandLoaders } from '@berth/core/dist/cli/lazy-commands';

/** The `containers` topic's commands, keyed by oclif id. */
export const CONTAINERS_COMMANDS: CommandLoaders = {
  'containers:create': () => ContainersCreate,
  'containers:list': () => ContainersList,
  'containers:info': () => ContainersInfo,
  'containers:remove': () => ContainersRemove,
  'containers:label': () => ContainersLabel,
};
