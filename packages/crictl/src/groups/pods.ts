/** crictl's pods commands, keyed by oclif id (one registry per group so groups grow independently). */
export const PODS_COMMANDS = {
};
