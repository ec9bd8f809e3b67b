/** berth's store for crictl: --berth-root/--berth-state, else the config.toml's (no oclif here: the fast path uses it). */
export function storeDirs(flags: { 'berth-root'?: string; 'berth-state'?: string; 'berth-config'?: string }): { root: string; state: string } {
  const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
  const cfg = loadConfig(flags['berth-config']);
  return { root: flags['berth-root'] ?? cfg.root, state: flags['berth-state'] ?? cfg.state };
}
