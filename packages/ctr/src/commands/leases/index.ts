import LeasesCreate from './create';
import LeasesList from './list';
import LeasesRemove from './remove';

/** The `leases` topic's commands, keyed by oclif id. */
export const LEASES_COMMANDS = {
  'leases:create': LeasesCreate,
  'leases:list': LeasesList,
  'leases:remove': LeasesRemove,
};
