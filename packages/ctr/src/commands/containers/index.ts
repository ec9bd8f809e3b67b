/** The `containers` topic's commands, keyed by oclif id. */
export const CONTAINERS_COMMANDS = {
};
