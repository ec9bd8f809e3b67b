/** The `leases` topic's commands, keyed by oclif id. */
export const LEASES_COMMANDS = {
};
