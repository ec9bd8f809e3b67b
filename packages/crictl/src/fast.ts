/**
 * crictl's pod-cycle commands without the CLI framework: `start`, `stopp` and `rmp` (with -f) in
 * their plain forms (the global flags, then ids) are served from dist/fast.bundle.js, which
 * launch.js loads instead of the CLI bundle (~14 ms of every crictl command: the bundle, oclif and
 * its second parse in init). The settings step is crictl's own (settings.ts), the work the
 * commands' (lifecycle-flows.ts). Anything else (-D, --help, -a, an unknown or repeated flag, no
 * id, a config file that does not load) returns false untouched for oclif;
 * test/crictl/containers.test.mjs compares both paths.
 */
import { hoistGlobals } from '@berth/core/dist/cli/argv';
import { errorLine } from '@berth/core/dist/cli/error-line';
import { logrusLine } from '@berth/core/dist/cli/logrus';
import { trace } from '@berth/core/dist/util/trace';
import { GLOBALS } from './globals';
import type { Fail } from './lifecycle-flows';

type Global = 'config' | 'runtime-endpoint' | 'image-endpoint' | 'timeout' | 'berth-root' | 'berth-state' | 'berth-config';

const COMMANDS = new Set(['start', 'stopp', 'rmp']);
const VALUED: Record<string, Global> = {
  '--config': 'config', '-c': 'config', '--runtime-endpoint': 'runtime-endpoint', '-r': 'runtime-endpoint',
  '--image-endpoint': 'image-endpoint', '-i': 'image-endpoint', '--timeout': 'timeout', '-t': 'timeout',
  '--berth-root': 'berth-root', '--berth-state': 'berth-state', '--berth-config': 'berth-config',
};
/** The flags' environment defaults and defaults, as oclif reads them (base.ts). */
const ENV: Partial<Record<Global, string>> = {
  config: 'CRI_CONFIG_FILE', 'runtime-endpoint': 'CONTAINER_RUNTIME_ENDPOINT', 'image-endpoint': 'IMAGE_SERVICE_ENDPOINT',
  'berth-root': 'BERTH_ROOT', 'berth-state': 'BERTH_STATE', 'berth-config': 'BERTH_CONFIG',
};
const DEFAULTS: Partial<Record<Global, string>> = { config: '/etc/crictl.yaml', timeout: '2s' };

interface Parsed { command: string; flags: Partial<Record<Global, string>>; force: boolean; ids: string[] }

function parse(args: string[]): Parsed | undefined {
  const command = args[0] ?? '';
  if (!COMMANDS.has(command)) return undefined;
  const flags: Parsed['flags'] = {};
  let force = false;
  const ids: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith('-')) { ids.push(a); continue; }
    if (command === 'rmp' && (a === '-f' || a === '--force') && !force) { force = true; continue; }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const key = Object.hasOwn(VALUED, name) ? VALUED[name] : undefined;
    if (!key || flags[key] !== undefined) return undefined; // -D, --help, -a, `--`, unknown, repeated
    const value = eq > 0 ? a.slice(eq + 1) : args[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('-'))) return undefined;
    flags[key] = value;
  }
  if (ids.length === 0) return undefined;
  for (const [key, env] of Object.entries(ENV) as [Global, string][]) {
    const v = process.env[env];
    if (v === '') return undefined;
    if (flags[key] === undefined && v !== undefined) flags[key] = v;
  }
  for (const [key, v] of Object.entries(DEFAULTS) as [Global, string][]) flags[key] ??= v;
  return { command, flags, force, ids };
}

/** As CrictlCommand.fail: one logrus fatal line, exit status 1. */
const fail: Fail = (message) => {
  process.stderr.write(logrusLine(message, 'fatal'));
  process.exit(1);
};

export function fast(argv: string[]): boolean {
  const args = hoistGlobals(argv, GLOBALS, COMMANDS);
  const p = parse(args);
  if (!p) return false;
  try {
    // crictl's start-up step (cri-tools' app.Before), on the command's own arguments as oclif's init sees them.
    const { crictlSettings } = require('./settings') as typeof import('./settings');
    crictlSettings({ ...p.flags, config: p.flags.config as string }, args.slice(1));
  } catch {
    return false; // a config file that does not load: oclif reports it
  }
  trace(`fast: ${p.command}`);
  const flows = require('./lifecycle-flows') as typeof import('./lifecycle-flows');
  const dirs = (require('./store') as typeof import('./store')).storeDirs(p.flags);
  if (p.command === 'start') (require('@berth/core/dist/tasks/prespawn') as typeof import('@berth/core/dist/tasks/prespawn')).prespawnShim();
  const work = p.command === 'start' ? flows.startContainers(dirs, p.ids, fail)
    : p.command === 'stopp' ? Promise.resolve().then(() => flows.stopPods(dirs, p.ids, fail))
      : flows.removePods(dirs, p.ids, { force: p.force, all: false }, fail);
  // As CrictlCommand.catch for what the flows throw.
  work.catch((err: Error) => fail(errorLine(err.message)));
  return true;
}
