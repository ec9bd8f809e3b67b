import NamespacesCreate from './create';
import NamespacesLabel from './label';
import NamespacesList from './list';
import NamespacesRemove from './remove';
import type { CommandLoaders } from '@berth/core/dist/cli/lazy-commands';

/** The `namespaces` topic's commands, keyed by oclif id. */
export const NAMESPACES_COMMANDS: CommandLoaders = {
  'namespaces:create': () => NamespacesCreate,
  'namespaces:label': () => NamespacesLabel,
  'namespaces:list': () => NamespacesList,
  'namespaces:remove': () => NamespacesRemove,
};
