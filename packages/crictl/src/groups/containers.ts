/** crictl's containers commands, keyed by oclif id (one registry per group so groups grow independently). */
export const CONTAINERS_COMMANDS = {
};
