/**
 * crictl's `ps` and `pods` in their plain forms — a table or ids (-q), -a, --no-trunc, short
 * switches together (`ps -aq`) — served from dist/fast-list.bundle.js, which launch.js loads
 * instead of the CLI bundle: on a slow VM the CLI bundle and oclif were ~100 ms of a ~270 ms
 * `crictl ps` with 50 pods, over the 200 ms of issue 5. What they print is listings.ts's, as for the commands; anything else (filters, -o, -v,
 * -D, --help) returns false untouched for oclif. test/crictl/containers.test.mjs compares both.
 */
import { errorLine } from '@berth/core/dist/cli/error-line';
import { writeStdout } from '@berth/core/dist/cli/write-out';
import { fail, GLOBAL_VALUED, parseFast, type FastForm } from './fast-forms';

const LIST_SWITCHES = { '-q': 'quiet', '--quiet': 'quiet', '--no-trunc': 'no-trunc' };
// ps's own -r is --resolve-image-path (ps.ts): the endpoint keeps only its long form there.
const PS_GLOBALS = Object.fromEntries(Object.entries(GLOBAL_VALUED).filter(([spelling]) => spelling !== '-r'));

const FORMS: Record<string, FastForm> = {
  ps: { spec: { valued: PS_GLOBALS, switches: { ...LIST_SWITCHES, '-a': 'all', '--all': 'all' } }, args: 0 },
  pods: { spec: { valued: GLOBAL_VALUED, switches: LIST_SWITCHES }, args: 0 },
};

export function fast(argv: string[]): boolean {
  const p = parseFast(argv, FORMS);
  if (!p) return false;
  const { containersText, podsText, selectContainers, selectPods } = require('./listings') as typeof import('./listings');
  const dirs = (require('./store') as typeof import('./store')).storeDirs(p.globals);
  const flags = { all: p.own.all === true, quiet: p.own.quiet === true, 'no-trunc': p.own['no-trunc'] === true };
  try {
    // No --image in these forms: nothing to resolve.
    writeStdout(p.command === 'ps' ? containersText(selectContainers(() => dirs, flags, fail, () => undefined), flags) : podsText(selectPods(() => dirs, flags, fail), flags));
  } catch (err) {
    // As CrictlCommand.catch.
    fail(errorLine((err as Error).message));
  }
  return true;
}
