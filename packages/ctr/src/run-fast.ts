/**
 * `ctr run` without the CLI framework: its plain forms (the global flags, --rm, -d, --null-io,
 * -t, --snapshotter, --log-uri, --pid-file before the image; then image, id and the container's
 * command line) are served from dist/fast.bundle.js, which launch.js loads instead of the CLI
 * bundle: loading that bundle and oclif is ~15 ms of every run, and 50 runs at once pay it 50
 * times on two cores. Anything else (another flag, a repeated one, --help, --debug, --timeout,
 * `--`, a missing image or id, an invalid namespace or log uri) returns false untouched and goes
 * through oclif, which owns usage errors. test/ctr/run-fast.test.mjs compares both paths.
 */
import { errorLine } from '@berth/core/dist/cli/error-line';
import { envDefaults, parsePlainForm, valuedFlags, type PlainFormSpec } from '@berth/core/dist/cli/plain-form';
import { trace } from '@berth/core/dist/util/trace';
import { containerOptions, type ContainerFlagValues } from './container-options';
import { stateDir } from './commands/tasks/list-text';
import { taskIo } from './commands/tasks/task-io';

type Switch = 'rm' | 'detach' | 'null-io' | 'tty';
type Valued = 'snapshotter' | 'log-uri' | 'pid-file' | 'namespace' | 'root' | 'state' | 'config' | 'address';

/** The plain form's flags by spelling; ctr's launcher (bin/early-shim.sh) names them too, and the build checks it. */
export const RUN_SWITCHES: Readonly<Record<string, Switch>> = {
  '--rm': 'rm', '-d': 'detach', '--detach': 'detach', '--null-io': 'null-io', '-t': 'tty', '--tty': 'tty',
};
export const RUN_VALUED: Readonly<Record<string, Valued>> = {
  '--snapshotter': 'snapshotter', '--log-uri': 'log-uri', '--pid-file': 'pid-file', '-n': 'namespace', '--namespace': 'namespace',
  '--root': 'root', '--state': 'state', '--config': 'config', '-c': 'config', '--address': 'address',
};
const FORM: PlainFormSpec = {
  switches: RUN_SWITCHES,
  valued: valuedFlags(RUN_VALUED),
  // The flags come before the image: from there on the words are run's and the container's.
  stopAtPositional: true,
};
/** The flags' environment defaults, as oclif reads them (base.ts, container-flags.ts). */
const ENV: Partial<Record<Valued, string>> = {
  namespace: 'CONTAINERD_NAMESPACE', root: 'BERTH_ROOT', state: 'BERTH_STATE', config: 'BERTH_CONFIG',
  snapshotter: 'CONTAINERD_SNAPSHOTTER', address: 'CONTAINERD_ADDRESS',
};
/** The defaults oclif gives the container flags of a plain run (container-flags.ts). */
const DEFAULTS = { runtime: 'io.containerd.runc.v2', cpus: '0', 'cpu-quota': '-1', 'cpu-period': '0' };

interface Parsed {
  switches: Partial<Record<Switch, true>>;
  values: Partial<Record<Valued, string>>;
  ref: string;
  id: string;
  rest: string[];
}

/** `args`: the command line with the globals hoisted behind `run`; undefined for oclif. */
function parse(args: string[]): Parsed | undefined {
  if (args[0] !== 'run') return undefined;
  const form = parsePlainForm(args, 1, FORM);
  if (!form || !envDefaults(form.flags, ENV as Record<string, string>)) return undefined;
  const { flags, end } = form;
  const [ref, id] = [args[end], args[end + 1]];
  if (!ref || !id || id.startsWith('-')) return undefined;
  if (flags.rm && flags.detach) return undefined;
  // `IMAGE ID -- COMMAND`: the `--` only separates (core/cli/argv.ts splitCommandLine).
  const rest = args.slice(end + 2);
  return {
    switches: flags as Parsed['switches'], values: flags as Parsed['values'], ref, id, rest: rest[0] === '--' ? rest.slice(1) : rest,
  };
}

/** The run a plain form asks for, or undefined for oclif (an invalid namespace or log uri: oclif reports it, in ctr's words). */
function plainRun(p: Parsed): (() => Promise<void>) | undefined {
  const { switches: s, values: v } = p;
  const namespace = v.namespace ?? 'default';
  let io: ReturnType<typeof taskIo>;
  try {
    (require('@berth/core/dist/metadata/validate') as typeof import('@berth/core/dist/metadata/validate')).validateIdentifier('namespace', namespace);
    io = taskIo({ 'null-io': s['null-io'], 'log-uri': v['log-uri'] });
  } catch {
    return undefined;
  }
  if (s.tty && io.kind !== 'fifo') return undefined;
  return async () => {
    const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
    const flags = { ...DEFAULTS, snapshotter: v.snapshotter, tty: s.tty === true } as ContainerFlagValues;
    // The config file's default snapshotter when --snapshotter is unset, as the oclif path.
    const container = containerOptions(flags, v.snapshotter ? undefined : loadConfig(v.config).snapshotter);
    // Absolute: a served run's process becomes the shim, which works from the task's directory
    // once it has the task (startTask resolves the state directory itself).
    const root = (require('node:path') as typeof import('node:path')).resolve(v.root ?? loadConfig(v.config).root);
    const { runContainer } = require('./commands/run-flow') as typeof import('./commands/run-flow');
    await runContainer({
      root, state: stateDir(v), namespace, ref: p.ref, id: p.id, args: p.rest, io,
      tty: s.tty === true, rm: s.rm === true, detach: s.detach === true, pidFile: v['pid-file'], container,
    });
  };
}

/** Serves a plain `ctr run` (globals hoisted) and returns true, or returns false for oclif. */
export function fastRun(args: string[]): boolean {
  const p = parse(args);
  const go = p && plainRun(p);
  if (!go) return false;
  trace('fast: run');
  // The task's shim starts now, in parallel with the container's creation (as cli.ts does).
  (require('@berth/core/dist/tasks/prespawn') as typeof import('@berth/core/dist/tasks/prespawn')).prespawnShim();
  go().catch((err: Error) => {
    // As CtrCommand.catch: `ctr: <message>`, exit 1.
    process.stderr.write(`ctr: ${errorLine(err.message)}\n`);
    process.exit(1);
  });
  return true;
}

/**
 * A plain `ctr run -d` (globals hoisted) served by its own shim (core's tasks/shim/serve-run.ts):
 * its status, its error on `errFd` as CtrCommand's; 'cli' for any other form, nothing done.
 * `serving()` is called before anything is done.
 */
export async function servedRun(args: string[], errFd: number, serving: () => void): Promise<number | 'cli'> {
  const p = parse(args);
  const go = p && p.switches.detach && !p.switches.tty ? plainRun(p) : undefined;
  if (!go) return 'cli';
  serving();
  trace('fast: run');
  trace('serve: run');
  try {
    await go();
    return 0;
  } catch (err) {
    (require('node:fs') as typeof import('node:fs')).writeSync(errFd, `ctr: ${errorLine((err as Error).message)}\n`);
    return 1;
  } finally {
    // The shim lives on: it holds no database (what the CLI's exit would have closed).
    (require('@berth/core/dist/metadata/store') as typeof import('@berth/core/dist/metadata/store')).disconnectAll();
  }
}
