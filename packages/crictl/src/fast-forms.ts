/**
 * What crictl's fast path (src/fast.ts: runp, create, start, stopp, rmp) is made of:
 * the global flags as oclif reads them (base.ts: spellings, environment variables, defaults), the
 * settings step (cri-tools' app.Before) and crictl's way out. A command line in anything but its
 * plain form (-D, --help, an unknown or repeated flag, the wrong number of arguments, a config
 * file that does not load) is left untouched to oclif, which owns usage errors and help.
 */
import { hoistGlobals } from '@berth/core/dist/cli/argv';
import { logrusLine } from '@berth/core/dist/cli/logrus';
import { setOutputErrorReporter } from '@berth/core/dist/cli/output-errors';
import { envDefaults, parsePlainForm, valuedFlags, type PlainFormSpec } from '@berth/core/dist/cli/plain-form';
import type { CrictlSettings } from '@berth/core/dist/cri/crictl-config';
import { trace } from '@berth/core/dist/util/trace';
import { GLOBALS } from './globals';
import type { Fail } from './lifecycle-flows';

type Global = 'config' | 'runtime-endpoint' | 'image-endpoint' | 'timeout' | 'berth-root' | 'berth-state' | 'berth-config';
export type GlobalValues = Partial<Record<Global, string>> & { config: string };

export const GLOBAL_VALUED: NonNullable<PlainFormSpec['valued']> = valuedFlags({
  '--config': 'config', '-c': 'config', '--runtime-endpoint': 'runtime-endpoint', '-r': 'runtime-endpoint',
  '--image-endpoint': 'image-endpoint', '-i': 'image-endpoint', '--timeout': 'timeout', '-t': 'timeout',
  '--berth-root': 'berth-root', '--berth-state': 'berth-state', '--berth-config': 'berth-config',
});
const GLOBAL_ENV: Readonly<Partial<Record<Global, string>>> = {
  config: 'CRI_CONFIG_FILE', 'runtime-endpoint': 'CONTAINER_RUNTIME_ENDPOINT', 'image-endpoint': 'IMAGE_SERVICE_ENDPOINT',
  'berth-root': 'BERTH_ROOT', 'berth-state': 'BERTH_STATE', 'berth-config': 'BERTH_CONFIG',
};
const GLOBAL_NAMES: ReadonlySet<string> = new Set(Object.values(GLOBAL_VALUED).map((f) => f.name));
const DEFAULTS = { config: '/etc/crictl.yaml', timeout: '2s' };

export interface FastForm {
  /** The global flags and the command's own (spelling → name). */
  spec: PlainFormSpec;
  /** How many arguments: exactly so many, or 'some' (one or more ids). */
  args: number | 'some';
  /** The command's own flags' environment variables (name → variable), as their oclif flags have. */
  env?: Readonly<Record<string, string>>;
}

export interface FastCommand {
  command: string;
  globals: GlobalValues;
  /** The command's own flags by name. */
  own: Record<string, string | true>;
  args: string[];
  settings: CrictlSettings;
}

/** The command line as one of `forms`, with crictl's settings loaded; undefined: oclif's. */
export function parseFast(argv: string[], forms: Readonly<Record<string, FastForm>>): FastCommand | undefined {
  const hoisted = hoistGlobals(argv, GLOBALS, new Set(Object.keys(forms)));
  const command = hoisted[0] ?? '';
  if (!Object.hasOwn(forms, command)) return undefined;
  const form = forms[command] as FastForm;
  const parsed = parsePlainForm(hoisted, 1, { shortGroups: true, ...form.spec });
  if (!parsed) return undefined;
  const n = parsed.positionals.length;
  if (form.args === 'some' ? n === 0 : n !== form.args) return undefined;
  if (!envDefaults(parsed.flags, { ...GLOBAL_ENV, ...form.env } as Record<string, string>)) return undefined;
  const given: Record<string, string> = {};
  const own: Record<string, string | true> = {};
  for (const [k, v] of Object.entries(parsed.flags)) {
    if (GLOBAL_NAMES.has(k) && typeof v === 'string') given[k] = v;
    else own[k] = v;
  }
  const globals = { ...DEFAULTS, ...given } as GlobalValues;
  let settings: CrictlSettings;
  try {
    // crictl's start-up step (cri-tools' app.Before), on the command's own arguments as oclif's init sees them.
    const { crictlSettings } = require('./settings') as typeof import('./settings');
    settings = crictlSettings(globals, hoisted.slice(1));
  } catch {
    return undefined; // a config file that does not load: oclif reports it
  }
  trace(`fast: ${command}`);
  // A failed write to stdout: reported at exit in crictl's words (core cli/output-errors.ts).
  setOutputErrorReporter(reportError);
  return { command, globals, own, args: parsed.positionals, settings };
}

/** crictl's error line: a logrus fatal line (cri-tools' logrus.Fatal). */
export function reportError(message: string): void {
  process.stderr.write(logrusLine(message, 'fatal'));
}

/** As CrictlCommand.fail: one logrus fatal line, exit status 1. */
export const fail: Fail = (message) => {
  reportError(message);
  process.exit(1);
};
