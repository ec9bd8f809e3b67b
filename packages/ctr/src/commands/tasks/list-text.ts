/**
 * `ctr tasks ls` as text, and its fast path: the plain forms of the command line (the global
 * flags, -q) are served before the CLI framework loads, which is most of the command's time.
 * Anything else (--help, --timeout, unknown flags, an error) goes through oclif as usual.
 * No module-level oclif import here: cli.ts loads this file first.
 */
import type { TaskInfo } from '@berth/core/dist/tasks/types';
import { envDefaults, parsePlainForm, valuedFlags, type PlainFormSpec } from '@berth/core/dist/cli/plain-form';
import { writeStdout } from '@berth/core/dist/cli/write-out';
import { setOutputErrorReporter } from '@berth/core/dist/cli/output-errors';
import { reportError } from '../../globals';
import { trace } from '@berth/core/dist/util/trace';

export function formatTaskList(list: TaskInfo[], quiet: boolean): string {
  if (quiet) return list.map((t) => `${t.id}\n`).join('');
  const { tabwrite } = require('@berth/core/dist/util/tabwriter') as typeof import('@berth/core/dist/util/tabwriter');
  // ctr ends only the header with a tab: the STATUS column is padded there alone.
  return tabwrite([['TASK', 'PID', 'STATUS', ''], ...list.map((t) => [t.id, String(t.pid), t.status])], { minwidth: 4, padding: 4 });
}

/** The ephemeral state: --state, else the config file's. */
export function stateDir(flags: { state?: string; config?: string }): string {
  if (flags.state) return flags.state;
  const { loadConfig } = require('@berth/core/dist/config/config') as typeof import('@berth/core/dist/config/config');
  return loadConfig(flags.config).state;
}

const LIST_IDS = new Set(['tasks ls', 'tasks list', 't ls', 't list', 'task ls', 'task list']);
/** The same, as command ids for hoistGlobals (words joined by ':'). */
export const LIST_COMMAND_IDS: ReadonlySet<string> = new Set([...LIST_IDS].map((id) => id.replace(' ', ':')));
/** Its plain forms: the global flags (urfave/cli's way: `-n=x`, repeats, --debug without effect) and -q. */
const FORM: PlainFormSpec = {
  switches: { '-q': 'quiet', '--quiet': 'quiet' },
  valued: valuedFlags({
    '-n': 'namespace', '--namespace': 'namespace', '--state': 'state', '--config': 'config', '-c': 'config', '--root': 'root', '-a': 'address', '--address': 'address',
  }),
  ignore: new Set(['--debug']),
  repeats: 'last',
  goLike: true,
};
/** The flags' environment defaults, as oclif reads them. */
const ENV = { namespace: 'CONTAINERD_NAMESPACE', state: 'BERTH_STATE', config: 'BERTH_CONFIG' };

/**
 * Lists and prints when `args` (globals hoisted: command words first) is a plain `tasks ls`;
 * false when oclif must take the command line (nothing printed then).
 */
export function fastTaskList(args: string[]): boolean {
  if (!LIST_IDS.has(`${args[0]} ${args[1]}`)) return false;
  const form = parsePlainForm(args, 2, FORM);
  if (!form || form.positionals.length > 0 || !envDefaults(form.flags, ENV)) return false;
  const flags = form.flags as { namespace?: string; state?: string; config?: string; quiet?: true };
  let text: string;
  try {
    // An invalid namespace: oclif's run refuses it, as for every command (base.ts).
    if (flags.namespace !== undefined) (require('@berth/core/dist/metadata/validate') as typeof import('@berth/core/dist/metadata/validate')).validateIdentifier('namespace', flags.namespace);
    const { listTasks } = require('@berth/core/dist/tasks/records') as typeof import('@berth/core/dist/tasks/records');
    text = formatTaskList(listTasks(stateDir(flags), flags.namespace ?? 'default'), flags.quiet === true);
  } catch {
    return false; // oclif's run reports it, in ctr's words
  }
  trace('fast: tasks ls');
  // A failed write to stdout: reported at exit in ctr's words (core cli/output-errors.ts).
  setOutputErrorReporter(reportError);
  writeStdout(text);
  return true;
}
