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
import { envDefaults, parsePlainForm, valuedFlags, type PlainFormSpec } from '@berth/core/dist/cli/plain-form';
import { trace } from '@berth/core/dist/util/trace';
import { GLOBALS } from './globals';
import type { Fail } from './lifecycle-flows';

type Global = 'config' | 'runtime-endpoint' | 'image-endpoint' | 'timeout' | 'berth-root' | 'berth-state' | 'berth-config';

const VALUED: PlainFormSpec['valued'] = valuedFlags({
  '--config': 'config', '-c': 'config', '--runtime-endpoint': 'runtime-endpoint', '-r': 'runtime-endpoint',
  '--image-endpoint': 'image-endpoint', '-i': 'image-endpoint', '--timeout': 'timeout', '-t': 'timeout',
  '--berth-root': 'berth-root', '--berth-state': 'berth-state', '--berth-config': 'berth-config',
});
/** The global flags, and rmp's --force. */
const FORMS: Record<string, PlainFormSpec> = {
  start: { valued: VALUED }, stopp: { valued: VALUED }, rmp: { valued: VALUED, switches: { '-f': 'force', '--force': 'force' } },
};
const COMMAND_WORDS: ReadonlySet<string> = new Set(Object.keys(FORMS));
/** The flags' environment defaults and defaults, as oclif reads them (base.ts). */
const ENV: Partial<Record<Global, string>> = {
  config: 'CRI_CONFIG_FILE', 'runtime-endpoint': 'CONTAINER_RUNTIME_ENDPOINT', 'image-endpoint': 'IMAGE_SERVICE_ENDPOINT',
  'berth-root': 'BERTH_ROOT', 'berth-state': 'BERTH_STATE', 'berth-config': 'BERTH_CONFIG',
};
const DEFAULTS: Partial<Record<Global, string>> = { config: '/etc/crictl.yaml', timeout: '2s' };

interface Parsed { command: string; flags: Partial<Record<Global, string>>; force: boolean; ids: string[] }

function parse(args: string[]): Parsed | undefined {
  const command = args[0] ?? '';
  if (!Object.hasOwn(FORMS, command)) return undefined;
  // -D, --help, -a, `--`, an unknown or repeated flag: oclif's.
  const form = parsePlainForm(args, 1, FORMS[command] as PlainFormSpec);
  if (!form || form.positionals.length === 0 || !envDefaults(form.flags, ENV as Record<string, string>)) return undefined;
  const { force, ...globals } = form.flags;
  const flags = { ...DEFAULTS, ...globals } as Partial<Record<Global, string>>;
  return { command, flags, force: force === true, ids: form.positionals };
}

/** As CrictlCommand.fail: one logrus fatal line, exit status 1. */
const fail: Fail = (message) => {
  process.stderr.write(logrusLine(message, 'fatal'));
  process.exit(1);
};

export function fast(argv: string[]): boolean {
  const args = hoistGlobals(argv, GLOBALS, COMMAND_WORDS);
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
