/**
 * The environment of Node processes berth spawns for itself (init stage, shim): only what they
 * need. NODE_EXTRA_CA_CERTS alone costs ~45 ms per start here, and none of them speaks TLS.
 */
export function initEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...extra };
}
