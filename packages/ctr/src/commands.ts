/** Explicit command discovery: oclif loads this one module instead of scanning a directory. */
import ConfigDefault from './commands/config/default';
import ContentList from './commands/content/list';
import ImagesList from './commands/images/list';
import ImagesPull from './commands/images/pull';
import NamespacesCreate from './commands/namespaces/create';
import NamespacesLabel from './commands/namespaces/label';
import NamespacesList from './commands/namespaces/list';
import NamespacesRemove from './commands/namespaces/remove';
import Version from './commands/version';

export const COMMANDS = {
  'config:default': ConfigDefault,
  'content:list': ContentList,
  'images:list': ImagesList,
  'images:pull': ImagesPull,
  'namespaces:create': NamespacesCreate,
  'namespaces:label': NamespacesLabel,
  'namespaces:list': NamespacesList,
  'namespaces:remove': NamespacesRemove,
  version: Version,
};
