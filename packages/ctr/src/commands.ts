/** Explicit command discovery: oclif loads this one module instead of scanning a directory. */
import ConfigDefault from './commands/config/default';
import ContentActive from './commands/content/active';
import ContentGet from './commands/content/get';
import ContentList from './commands/content/list';
import ContentRemove from './commands/content/remove';
import ImagesList from './commands/images/list';
import ImagesPull from './commands/images/pull';
import ImagesRemove from './commands/images/remove';
import ImagesTag from './commands/images/tag';
import NamespacesCreate from './commands/namespaces/create';
import NamespacesLabel from './commands/namespaces/label';
import NamespacesList from './commands/namespaces/list';
import NamespacesRemove from './commands/namespaces/remove';
import SnapshotsList from './commands/snapshots/list';
import SnapshotsUsage from './commands/snapshots/usage';
import Version from './commands/version';

export const COMMANDS = {
  'config:default': ConfigDefault,
  'content:active': ContentActive,
  'content:get': ContentGet,
  'content:list': ContentList,
  'content:remove': ContentRemove,
  'images:list': ImagesList,
  'images:pull': ImagesPull,
  'images:remove': ImagesRemove,
  'images:tag': ImagesTag,
  'namespaces:create': NamespacesCreate,
  'namespaces:label': NamespacesLabel,
  'namespaces:list': NamespacesList,
  'namespaces:remove': NamespacesRemove,
  'snapshots:list': SnapshotsList,
  'snapshots:usage': SnapshotsUsage,
  version: Version,
};
