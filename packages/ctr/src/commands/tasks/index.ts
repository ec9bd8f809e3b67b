/** The `tasks` topic's commands, keyed by oclif id. */
export const TASKS_COMMANDS = {
};
