import NamespacesCreate from './create';
import NamespacesLabel from './label';
import NamespacesList from './list';
import NamespacesRemove from './remove';

/** The `namespaces` topic's commands, keyed by oclif id. */
export const NAMESPACES_COMMANDS = {
  'namespaces:create': NamespacesCreate,
  'namespaces:label': NamespacesLabel,
  'namespaces:list': NamespacesList,
  'namespaces:remove': NamespacesRemove,
};
