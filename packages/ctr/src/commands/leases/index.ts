import LeasesCreate from './create';
import LeasesList from './list';
import LeasesRemove from './remove';
import type { CommandLoaders } from '@berth/core/dist/cli/lazy-commands';

/** The `leases` topic's commands, keyed by oclif id. */
export const LEASES_COMMANDS: CommandLoaders = {
  'leases:create': () => LeasesCreate,
  'leases:list': () => LeasesList,
  'leases:remove': () => LeasesRemove,
};
