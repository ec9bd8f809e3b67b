/** crictl's images commands, keyed by oclif id (one registry per group so groups grow independently). */
export const IMAGES_COMMANDS = {
};
